package dev.cardos.funding;

import static dev.cardos.funding.FundingTenant.data;
import static dev.cardos.funding.FundingTenant.ids;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code /v1/deposit-addresses} (SPEC §3 stablecoin funding): one address per account and chain,
 * each in its chain's own format (an EIP-55 checksummed Ethereum address, a base58 32-byte Solana
 * key), checked here with an independent Keccak-256 and base58 decoder.
 */
@ServerTest
class DepositAddressesIT {

  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @Test
  void anEthereumAddressIsFortyHexDigitsWithAValidEip55Checksum() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("USD");

    Response created = expect(create(tenant, account, "ethereum"), 201);

    assertThat(created.text("id")).startsWith("da_");
    assertThat(created.text("account_id")).isEqualTo(account);
    assertThat(created.text("chain")).isEqualTo("ethereum");
    assertThat(created.body().get("livemode").asBoolean()).isFalse();
    String address = created.text("address");
    assertThat(address).matches("0x[0-9a-fA-F]{40}");
    assertThat(eip55Valid(address)).as(address).isTrue();
  }

  @Test
  void theChecksumCheckAcceptsTheEip55ExamplesAndRefusesAFlippedLetter() {
    // The examples of EIP-55 itself.
    List<String> examples =
        List.of(
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77",
            "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");
    assertThat(examples).allMatch(DepositAddressesIT::eip55Valid);
    assertThat(eip55Valid("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")).isFalse();
    assertThat(eip55Valid("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")).isFalse();
    assertThat(eip55Valid("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).isFalse();
  }

  @Test
  void theReferenceKeccakGivesTheKnownDigestsAndItsSpongeMatchesTheJdksSha3() throws Exception {
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(ReferenceKeccak.keccak256(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(hex.formatHex(ReferenceKeccak.keccak256("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // Same permutation and sponge with SHA-3's domain byte: equal to the JDK at every length
    // around the 136-byte block boundary.
    for (int length : new int[] {0, 1, 40, 135, 136, 137, 271, 272, 1000}) {
      byte[] message = new byte[length];
      for (int i = 0; i < length; i++) {
        message[i] = (byte) (i * 31 + 7);
      }
      assertThat(ReferenceKeccak.sponge(message, ReferenceKeccak.SHA3))
          .as("length %d", length)
          .isEqualTo(MessageDigest.getInstance("SHA3-256").digest(message));
    }
  }

  @Test
  void aSolanaAddressIsTheBase58OfThirtyTwoBytes() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("USD");

    Response created = expect(create(tenant, account, "solana"), 201);

    String address = created.text("address");
    assertThat(created.text("chain")).isEqualTo("solana");
    assertThat(address).matches("[1-9A-HJ-NP-Za-km-z]{32,44}");
    assertThat(base58Decode(address)).hasSize(32);
  }

  @Test
  void anAccountHasOneAddressPerChainAndAskingAgainReturnsIt() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("USD");
    Response ethereum = expect(create(tenant, account, "ethereum"), 201);
    Response solana = expect(create(tenant, account, "solana"), 201);

    Response ethereumAgain = expect(create(tenant, account, "ethereum"), 200);
    Response solanaAgain = expect(create(tenant, account, "solana"), 200);

    assertThat(ethereumAgain.body()).isEqualTo(ethereum.body());
    assertThat(solanaAgain.body()).isEqualTo(solana.body());
    assertThat(ethereum.text("address")).isNotEqualTo(solana.text("address"));
    assertThat(tenant.count(jdbc, "deposit_addresses")).isEqualTo(2);
  }

  @Test
  void addressesAreUniqueAcrossAccounts() {
    FundingTenant tenant = FundingTenant.createUnthrottled(api);
    FundingTenant another = FundingTenant.createUnthrottled(api);
    List<String> accounts = new ArrayList<>();
    accounts.add(tenant.funding("USD"));
    for (int i = 0; i < 15; i++) {
      accounts.add(tenant.wallet(tenant.cardholder("holder-" + i), "USD"));
    }
    String anotherAccount = another.funding("USD");

    List<String> addresses = new ArrayList<>();
    for (String account : accounts) {
      for (String chain : List.of("ethereum", "solana")) {
        addresses.add(expect(create(tenant, account, chain), 201).text("address"));
      }
    }
    addresses.add(expect(create(another, anotherAccount, "ethereum"), 201).text("address"));
    addresses.add(expect(create(another, anotherAccount, "solana"), 201).text("address"));

    assertThat(addresses).hasSize(34).doesNotHaveDuplicates();
    // Case does not make an Ethereum address another one.
    assertThat(addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList())
        .doesNotHaveDuplicates();
    assertThat(addresses)
        .filteredOn(a -> a.startsWith("0x"))
        .hasSize(17)
        .allMatch(DepositAddressesIT::eip55Valid);
    assertThat(addresses)
        .filteredOn(a -> !a.startsWith("0x"))
        .hasSize(17)
        .allSatisfy(a -> assertThat(base58Decode(a)).hasSize(32));
  }

  @Test
  void aLiveKeyCannotHaveADepositAddress() {
    FundingTenant live = FundingTenant.create(api, "live");
    String account = live.funding("USD");

    Response refused = create(live, account, "ethereum");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("live_mode_unsupported");
    assertThat(live.count(jdbc, "deposit_addresses")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EUR", "JPY"})
  void onlyAUsdAccountHasDepositAddresses(String currency) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding(currency);
    String wallet = tenant.wallet(tenant.cardholder("holder"), currency);

    for (String account : List.of(funding, wallet)) {
      for (String chain : List.of("ethereum", "solana")) {
        Response refused = create(tenant, account, chain);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(404);
        assertThat(refused.code()).isEqualTo("resource_not_found");
      }
    }
    assertThat(tenant.count(jdbc, "deposit_addresses")).isZero();
  }

  @Test
  void anotherTenantsAccountHasNoAddressForYou() {
    FundingTenant owner = FundingTenant.create(api, "test");
    FundingTenant stranger = FundingTenant.create(api, "test");
    String account = owner.funding("USD");

    Response refused = create(stranger, account, "ethereum");

    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.code()).isEqualTo("resource_not_found");
    assertThat(owner.count(jdbc, "deposit_addresses")).isZero();
    assertThat(stranger.count(jdbc, "deposit_addresses")).isZero();
  }

  @Test
  void theListFiltersByAccountNewestFirst() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    String wallet = tenant.wallet(tenant.cardholder("holder"), "USD");
    String fundingEth = expect(create(tenant, funding, "ethereum"), 201).id();
    String walletSol = expect(create(tenant, wallet, "solana"), 201).id();
    String fundingSol = expect(create(tenant, funding, "solana"), 201).id();
    FundingTenant stranger = FundingTenant.create(api, "test");
    expect(create(stranger, stranger.funding("USD"), "ethereum"), 201);

    assertThat(ids(expect(tenant.get("/v1/deposit-addresses"), 200)))
        .containsExactly(fundingSol, walletSol, fundingEth);
    Response forFunding = expect(tenant.get("/v1/deposit-addresses?account_id=" + funding), 200);
    assertThat(ids(forFunding)).containsExactly(fundingSol, fundingEth);
    assertThat(data(forFunding)).allMatch(a -> a.get("account_id").asString().equals(funding));
    assertThat(ids(expect(tenant.get("/v1/deposit-addresses?account_id=" + wallet), 200)))
        .containsExactly(walletSol);
    assertThat(ids(expect(tenant.get("/v1/deposit-addresses?limit=1"), 200)))
        .containsExactly(fundingSol);
  }

  private static Response create(FundingTenant tenant, String accountId, String chain) {
    return tenant.post(
        "/v1/deposit-addresses",
        "{\"account_id\": \"%s\", \"chain\": \"%s\"}".formatted(accountId, chain));
  }

  /**
   * EIP-55: hash the lower-case hex digits with Keccak-256; a letter is upper case exactly when the
   * hash's nibble at its position is 8 or more.
   */
  static boolean eip55Valid(String address) {
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      return false;
    }
    String digits = address.substring(2);
    byte[] hash =
        ReferenceKeccak.keccak256(
            digits.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    String hashHex = HexFormat.of().formatHex(hash);
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (Character.isDigit(c)) {
        continue;
      }
      boolean upper = Character.digit(hashHex.charAt(i), 16) >= 8;
      if (Character.isUpperCase(c) != upper) {
        return false;
      }
    }
    return true;
  }

  /** Base58 (Bitcoin alphabet): a big-endian number, each leading '1' a leading zero byte. */
  static byte[] base58Decode(String text) {
    BigInteger value = BigInteger.ZERO;
    for (char c : text.toCharArray()) {
      int digit = BASE58.indexOf(c);
      if (digit < 0) {
        throw new IllegalArgumentException("not base58: " + c);
      }
      value = value.multiply(BigInteger.valueOf(58)).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.toByteArray();
    int signByte = magnitude.length > 1 && magnitude[0] == 0 ? 1 : 0;
    if (value.signum() == 0) {
      magnitude = new byte[0];
      signByte = 0;
    }
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    byte[] out = new byte[zeros + magnitude.length - signByte];
    System.arraycopy(magnitude, signByte, out, zeros, magnitude.length - signByte);
    return out;
  }
}
