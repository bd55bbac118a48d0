package dev.cardos.disputes.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cardos.authorization.Transaction;
import dev.cardos.authorization.Transactions;
import dev.cardos.cards.Card;
import dev.cardos.cards.Cards;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.Leg;
import dev.cardos.ledger.PostingRequest;
import dev.cardos.ledger.PostingResult;
import dev.cardos.programs.Program;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Disputes from filing to outcome. A provisional credit moves the disputed amount from the suspense
 * account (a receivable on the network) to the card's account when the dispute opens; a win makes
 * it final against settlement, a loss or withdrawal takes it back.
 */
@Service
@Transactional
class DisputeService {

  static final int FILE_BYTES_MAX = 1_000_000;

  private final JdbcClient jdbc;
  private final Transactions transactions;
  private final Cards cards;
  private final Programs programs;
  private final Ledger ledger;
  private final Outbox outbox;
  private final Ids ids;
  private final Clock clock;

  DisputeService(
      JdbcClient jdbc,
      Transactions transactions,
      Cards cards,
      Programs programs,
      Ledger ledger,
      Outbox outbox,
      Ids ids,
      Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.cards = cards;
    this.programs = programs;
    this.ledger = ledger;
    this.outbox = outbox;
    this.ids = ids;
    this.clock = clock;
  }

  /** A piece of evidence as shown: files by name, type, size and hash, never their bytes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Evidence(
      String id,
      String kind,
      String text,
      String fileName,
      String contentType,
      Integer sizeBytes,
      String sha256,
      Instant createdAt) {}

  record Dispute(
      String id,
      boolean livemode,
      String transactionId,
      String authorizationId,
      String cardId,
      String cardLast4,
      String reason,
      long amount,
      String currency,
      String explanation,
      String status,
      boolean provisionalCredit,
      String provisionalPostingId,
      String closingPostingId,
      Instant filingDeadline,
      List<Evidence> evidence,
      Instant createdAt,
      Instant updatedAt) {}

  Dispute open(
      Realm realm,
      String transactionId,
      String reason,
      Long amount,
      String explanation,
      String actor) {
    Transaction txn =
        transactions
            .find(realm, transactionId)
            .orElseThrow(() -> Problem.notFound("transaction", transactionId));
    if ("refund".equals(txn.kind())) {
      throw Problem.invalidField("transaction_id", "must be a settled payment, not a refund");
    }
    Card card = cards.find(realm, txn.cardId()).orElseThrow();
    Program program = programs.find(realm.tenantId(), card.programId()).orElseThrow();
    Instant deadline = txn.createdAt().plus(Duration.ofDays(program.disputeWindowDays()));
    Instant now = Timestamps.now(clock);
    if (now.isAfter(deadline)) {
      throw new Problem(
          ProblemCode.DISPUTE_WINDOW_CLOSED,
          "The transaction could be disputed until "
              + deadline
              + " ("
              + program.disputeWindowDays()
              + " days)");
    }
    // One dispute at a time per payment, so two cannot together exceed what was settled.
    String lockKey = txn.authorizationId() != null ? txn.authorizationId() : transactionId;
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:key))")
        .param("key", "disputes:" + lockKey)
        .query((rs, row) -> 1)
        .list();
    long disputedHere = disputedSum("transaction_id", transactionId);
    long disputable = txn.cardAmount() - disputedHere;
    long refunded = 0;
    if (txn.authorizationId() != null) {
      // A refund and other disputes count against the payment as a whole, however many
      // clearings it was settled in.
      refunded = transactions.refunded(realm, txn.authorizationId());
      long onPayment =
          transactions.settled(realm, txn.authorizationId())
              - refunded
              - disputedSum("authorization_id", txn.authorizationId());
      disputable = Math.min(disputable, onPayment);
    }
    long disputed = disputedHere;
    long value = amount == null ? disputable : amount;
    if (value <= 0 || value > disputable) {
      throw new Problem(
          ProblemCode.DISPUTE_AMOUNT_EXCEEDED,
          "Settled "
              + txn.cardAmount()
              + ", refunded "
              + refunded
              + ", already disputed "
              + disputed
              + ": at most "
              + Math.max(0, disputable)
              + " can be disputed",
          List.of(new Problem.FieldError("amount", "must be at most " + Math.max(0, disputable))));
    }
    String id = ids.next("dp_");
    String provisionalPosting = null;
    if (program.provisionalCredit()) {
      provisionalPosting =
          post(
              realm,
              "dispute_provisional_credit",
              id,
              List.of(
                  Leg.debit(suspense(realm, txn.cardCurrency()), value),
                  Leg.credit(txn.accountId(), value)));
    }
    jdbc.sql(
            """
            INSERT INTO disputes (id, tenant_id, mode, transaction_id, authorization_id, card_id,
                account_id, reason, amount, currency, explanation, status, provisional_credit,
                provisional_posting_id, filing_deadline, created_at, updated_at)
            VALUES (:id, :tenant, :mode, :txn, :auth, :card, :account, :reason, :amount,
                :currency, :explanation, 'open', :provisional, :posting, :deadline, :at, :at)
            """)
        .param("id", id)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("txn", transactionId)
        .param("auth", txn.authorizationId())
        .param("card", txn.cardId())
        .param("account", txn.accountId())
        .param("reason", reason)
        .param("amount", value)
        .param("currency", txn.cardCurrency())
        .param("explanation", explanation)
        .param("provisional", program.provisionalCredit())
        .param("posting", provisionalPosting)
        .param("deadline", Timestamps.sql(deadline))
        .param("at", Timestamps.sql(now))
        .update();
    transition(id, null, "open", actor);
    Dispute dispute = find(realm, id).orElseThrow();
    outbox.append(realm, EventType.DISPUTE_CREATED, id, dispute);
    return dispute;
  }

  Dispute addText(Realm realm, String id, String text) {
    requireOpen(lock(realm, id));
    insertEvidence(id, "text", text, null, null, null);
    return updated(realm, id);
  }

  Dispute addFile(Realm realm, String id, String fileName, byte[] content) {
    requireOpen(lock(realm, id));
    String type = contentType(content);
    insertEvidence(id, "file", null, fileName, type, content);
    return updated(realm, id);
  }

  Dispute submit(Realm realm, String id, String actor) {
    Dispute d = lock(realm, id);
    if (!"open".equals(d.status())) {
      throw conflict(d, "submit");
    }
    setStatus(id, "submitted", null);
    transition(id, "open", "submitted", actor);
    return updated(realm, id);
  }

  Dispute withdraw(Realm realm, String id, String actor) {
    Dispute d = lock(realm, id);
    if (!"open".equals(d.status()) && !"submitted".equals(d.status())) {
      throw conflict(d, "withdraw");
    }
    String posting = takeBackProvisionalCredit(realm, d);
    setStatus(id, "withdrawn", posting);
    transition(id, d.status(), "withdrawn", actor);
    return closed(realm, id);
  }

  /** The network's answer (simulated in test mode): the cardholder won or lost. */
  Dispute resolve(Realm realm, String id, boolean won, String actor) {
    Dispute d = lock(realm, id);
    if (!"submitted".equals(d.status())) {
      throw conflict(d, "resolve");
    }
    String posting;
    if (won) {
      String settlement = ledger.systemAccount(realm, AccountKind.SETTLEMENT, d.currency()).id();
      posting =
          d.provisionalCredit()
              // The provisional credit stands; the network now pays the receivable.
              ? post(
                  realm,
                  "dispute_won",
                  id,
                  List.of(
                      Leg.debit(settlement, d.amount()),
                      Leg.credit(suspense(realm, d.currency()), d.amount())))
              : post(
                  realm,
                  "dispute_won",
                  id,
                  List.of(
                      Leg.debit(settlement, d.amount()),
                      Leg.credit(accountOf(realm, d.id()), d.amount())));
    } else {
      posting = takeBackProvisionalCredit(realm, d);
    }
    String status = won ? "won" : "lost";
    setStatus(id, status, posting);
    transition(id, "submitted", status, actor);
    return closed(realm, id);
  }

  Optional<Dispute> find(Realm realm, String id) {
    return jdbc.sql(
            "SELECT * FROM disputes WHERE tenant_id = :tenant AND mode = :mode AND id = :id")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(this::map)
        .optional();
  }

  Page<Dispute> list(
      Realm realm, String status, String cardId, String transactionId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM disputes WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:card AS text) IS NULL OR card_id = :card)
                  AND (CAST(:txn AS text) IS NULL OR transaction_id = :txn)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("status", status)
            .param("card", cardId)
            .param("txn", transactionId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(this::map)
            .list(),
        page);
  }

  private long disputedSum(String column, String id) {
    return jdbc.sql(
            "SELECT coalesce(sum(amount), 0) FROM disputes WHERE "
                + column
                + " = :id AND status IN ('open', 'submitted', 'won')")
        .param("id", id)
        .query(Long.class)
        .single();
  }

  String accountOf(Realm realm, String disputeId) {
    return jdbc.sql("SELECT account_id FROM disputes WHERE id = :id")
        .param("id", disputeId)
        .query(String.class)
        .single();
  }

  // ---------------------------------------------------------------- helpers

  /** Reverses a provisional credit: as much as the account has available; the rest stays owed. */
  private String takeBackProvisionalCredit(Realm realm, Dispute d) {
    if (!d.provisionalCredit()) {
      return null;
    }
    String account = accountOf(realm, d.id());
    Account now = ledger.find(realm, account).orElseThrow();
    long back = Math.min(d.amount(), Math.max(0, now.availableMinor()));
    if (back == 0) {
      return null;
    }
    return post(
        realm,
        "dispute_credit_reversal",
        d.id(),
        List.of(Leg.debit(account, back), Leg.credit(suspense(realm, d.currency()), back)));
  }

  private Dispute lock(Realm realm, String id) {
    jdbc.sql(
            "SELECT id FROM disputes WHERE tenant_id = :tenant AND mode = :mode AND id = :id FOR UPDATE")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(String.class)
        .optional()
        .orElseThrow(() -> Problem.notFound("dispute", id));
    return find(realm, id).orElseThrow();
  }

  private static void requireOpen(Dispute d) {
    if (!"open".equals(d.status())) {
      throw conflict(d, "add evidence to");
    }
  }

  private static Problem conflict(Dispute d, String action) {
    return new Problem(
        ProblemCode.DISPUTE_STATE_CONFLICT,
        "The dispute is " + d.status() + ": it cannot " + action);
  }

  private Dispute updated(Realm realm, String id) {
    Dispute d = find(realm, id).orElseThrow();
    outbox.append(realm, EventType.DISPUTE_UPDATED, id, d);
    return d;
  }

  private Dispute closed(Realm realm, String id) {
    Dispute d = find(realm, id).orElseThrow();
    outbox.append(realm, EventType.DISPUTE_CLOSED, id, d);
    return d;
  }

  private void setStatus(String id, String status, String closingPosting) {
    jdbc.sql(
            """
            UPDATE disputes SET status = :status,
                closing_posting_id = coalesce(:posting, closing_posting_id), updated_at = :at
            WHERE id = :id
            """)
        .param("status", status)
        .param("posting", closingPosting)
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .param("id", id)
        .update();
  }

  private void transition(String id, String from, String to, String actor) {
    jdbc.sql(
            """
            INSERT INTO dispute_transitions (id, dispute_id, from_status, to_status, actor, created_at)
            VALUES (:id, :dispute, :from, :to, :actor, :at)
            """)
        .param("id", ids.next("dtr_"))
        .param("dispute", id)
        .param("from", from)
        .param("to", to)
        .param("actor", actor)
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
  }

  private void insertEvidence(
      String disputeId, String kind, String text, String fileName, String type, byte[] content) {
    jdbc.sql(
            """
            INSERT INTO dispute_evidence (id, dispute_id, kind, text, file_name, content_type,
                size_bytes, sha256, content, created_at)
            VALUES (:id, :dispute, :kind, :text, :name, :type, :size, :sha, :content, :at)
            """)
        .param("id", ids.next("de_"))
        .param("dispute", disputeId)
        .param("kind", kind)
        .param("text", text)
        .param("name", fileName)
        .param("type", type)
        .param("size", content == null ? null : content.length)
        .param("sha", content == null ? null : sha256(content))
        .param("content", content)
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
  }

  /** The file's type from its first bytes, whatever its name or declared type says. */
  static String contentType(byte[] content) {
    if (startsWith(content, new byte[] {'%', 'P', 'D', 'F', '-'})) {
      return "application/pdf";
    }
    if (startsWith(content, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
      return "image/png";
    }
    if (startsWith(content, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
      return "image/jpeg";
    }
    throw new Problem(
        ProblemCode.UNSUPPORTED_EVIDENCE_TYPE,
        "The file is not a PDF, PNG or JPEG (judged by its content, not its name)",
        List.of(new Problem.FieldError("content_base64", "is not a PDF, PNG or JPEG")));
  }

  private static boolean startsWith(byte[] content, byte[] magic) {
    if (content.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (content[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private String suspense(Realm realm, String currency) {
    return ledger.systemAccount(realm, AccountKind.SUSPENSE, currency).id();
  }

  private String post(Realm realm, String kind, String reference, List<Leg> legs) {
    return switch (ledger.post(realm, new PostingRequest(kind, null, reference, legs))) {
      case PostingResult.Posted posted -> posted.postingId();
      case PostingResult.InsufficientFunds refused ->
          throw new IllegalStateException("a dispute posting was refused: " + refused);
    };
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Dispute map(ResultSet rs, int row) throws SQLException {
    String id = rs.getString("id");
    String cardId = rs.getString("card_id");
    return new Dispute(
        id,
        "live".equals(rs.getString("mode")),
        rs.getString("transaction_id"),
        rs.getString("authorization_id"),
        cardId,
        jdbc.sql("SELECT last4 FROM cards WHERE id = :id")
            .param("id", cardId)
            .query(String.class)
            .single(),
        rs.getString("reason"),
        rs.getLong("amount"),
        rs.getString("currency"),
        rs.getString("explanation"),
        rs.getString("status"),
        rs.getBoolean("provisional_credit"),
        rs.getString("provisional_posting_id"),
        rs.getString("closing_posting_id"),
        Timestamps.instant(rs.getTimestamp("filing_deadline")),
        evidence(id),
        Timestamps.instant(rs.getTimestamp("created_at")),
        Timestamps.instant(rs.getTimestamp("updated_at")));
  }

  private List<Evidence> evidence(String disputeId) {
    return jdbc.sql("SELECT * FROM dispute_evidence WHERE dispute_id = :id ORDER BY id")
        .param("id", disputeId)
        .query(
            (rs, row) -> {
              Integer size = rs.getObject("size_bytes", Integer.class);
              return new Evidence(
                  rs.getString("id"),
                  rs.getString("kind"),
                  rs.getString("text"),
                  rs.getString("file_name"),
                  rs.getString("content_type"),
                  size,
                  rs.getString("sha256"),
                  Timestamps.instant(rs.getTimestamp("created_at")));
            })
        .list();
  }
}
