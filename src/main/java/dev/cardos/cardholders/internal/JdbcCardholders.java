package dev.cardos.cardholders.internal;

import dev.cardos.cardholders.Cardholder;
import dev.cardos.cardholders.CardholderVerification;
import dev.cardos.cardholders.Cardholders;
import dev.cardos.cardholders.DocumentType;
import dev.cardos.cardholders.KycStatus;
import dev.cardos.shared.Json;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Cardholders in PostgreSQL. Every statement is filtered by the realm's tenant and mode. */
@Repository
class JdbcCardholders implements Cardholders, CardholderVerification {

  private final JdbcClient jdbc;

  JdbcCardholders(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Filters for a list; null means "any". */
  record Filter(
      String reference,
      String email,
      KycStatus kycStatus,
      Instant createdAfter,
      Instant createdBefore) {}

  @Override
  public Optional<Cardholder> find(Realm realm, String id) {
    return findRecord(realm, id, false).map(CardholderRecord::view);
  }

  @Override
  public Optional<Cardholder> verify(
      Realm realm,
      String cardholderId,
      String reference,
      DocumentType documentType,
      String documentNumber) {
    return findRecord(realm, cardholderId, false)
        .filter(c -> c.reference().equals(reference))
        .filter(c -> c.documentType() == documentType)
        .filter(c -> c.documentNumber() != null && c.documentNumber().equals(documentNumber))
        .map(CardholderRecord::view);
  }

  Optional<CardholderRecord> findRecord(Realm realm, String id, boolean forUpdate) {
    return jdbc.sql(
            "SELECT * FROM cardholders WHERE tenant_id = :tenant AND mode = :mode AND id = :id"
                + (forUpdate ? " FOR UPDATE" : ""))
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(JdbcCardholders::map)
        .optional();
  }

  /** Inserts the cardholder; false when the reference is already taken in the realm. */
  boolean insert(Realm realm, CardholderRecord c) {
    return jdbc.sql(
                """
                INSERT INTO cardholders (id, tenant_id, mode, reference, first_name, last_name,
                    email, phone, date_of_birth, address_line1, address_line2, address_city,
                    address_state, address_postal_code, address_country, document_type,
                    document_number, document_country, kyc_status, metadata, created_at,
                    updated_at)
                VALUES (:id, :tenant, :mode, :reference, :first, :last, :email, :phone, :dob,
                    :line1, :line2, :city, :state, :postal, :country, :docType, :docNumber,
                    :docCountry, :kyc, CAST(:metadata AS jsonb), :created, :updated)
                ON CONFLICT (tenant_id, mode, reference) DO NOTHING
                """)
            .param("id", c.id())
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .params(columns(c))
            .update()
        == 1;
  }

  /** Rewrites every column of the cardholder; false when the new reference is taken. */
  boolean update(Realm realm, CardholderRecord c) {
    boolean taken =
        jdbc.sql(
                """
                SELECT EXISTS (SELECT 1 FROM cardholders WHERE tenant_id = :tenant
                    AND mode = :mode AND reference = :reference AND id <> :id)
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("reference", c.reference())
            .param("id", c.id())
            .query(Boolean.class)
            .single();
    if (taken) {
      return false;
    }
    jdbc.sql(
            """
            UPDATE cardholders SET reference = :reference, first_name = :first,
                last_name = :last, email = :email, phone = :phone, date_of_birth = :dob,
                address_line1 = :line1, address_line2 = :line2, address_city = :city,
                address_state = :state, address_postal_code = :postal,
                address_country = :country, document_type = :docType,
                document_number = :docNumber, document_country = :docCountry,
                kyc_status = :kyc, metadata = CAST(:metadata AS jsonb), updated_at = :updated
            WHERE tenant_id = :tenant AND mode = :mode AND id = :id
            """)
        .param("id", c.id())
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .params(columns(c))
        .update();
    return true;
  }

  Page<Cardholder> list(Realm realm, Filter filter, PageRequest page) {
    return Page.of(
        jdbc
            .sql(
                """
                SELECT * FROM cardholders
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:reference AS text) IS NULL OR reference = :reference)
                  AND (CAST(:email AS text) IS NULL OR email = :email)
                  AND (CAST(:kyc AS text) IS NULL OR kyc_status = :kyc)
                  AND (CAST(:after_time AS timestamptz) IS NULL OR created_at > :after_time)
                  AND (CAST(:before_time AS timestamptz) IS NULL OR created_at < :before_time)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("reference", filter.reference())
            .param("email", filter.email())
            .param("kyc", filter.kycStatus() == null ? null : filter.kycStatus().wire())
            .param("after_time", Timestamps.sql(filter.createdAfter()))
            .param("before_time", Timestamps.sql(filter.createdBefore()))
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(JdbcCardholders::map)
            .list()
            .stream()
            .map(CardholderRecord::view)
            .toList(),
        page);
  }

  private static java.util.Map<String, Object> columns(CardholderRecord c) {
    Cardholder.Address a = c.billingAddress();
    java.util.Map<String, Object> p = new java.util.HashMap<>();
    p.put("reference", c.reference());
    p.put("first", c.firstName());
    p.put("last", c.lastName());
    p.put("email", c.email());
    p.put("phone", c.phone());
    p.put("dob", c.dateOfBirth() == null ? null : Date.valueOf(c.dateOfBirth()));
    p.put("line1", a.line1());
    p.put("line2", a.line2());
    p.put("city", a.city());
    p.put("state", a.state());
    p.put("postal", a.postalCode());
    p.put("country", a.country());
    p.put("docType", c.documentType() == null ? null : c.documentType().wire());
    p.put("docNumber", c.documentNumber());
    p.put("docCountry", c.documentCountry());
    p.put("kyc", c.kycStatus().wire());
    p.put("metadata", Json.write(c.metadata()));
    p.put("created", Timestamps.sql(c.createdAt()));
    p.put("updated", Timestamps.sql(c.updatedAt()));
    return p;
  }

  private static CardholderRecord map(ResultSet rs, int row) throws SQLException {
    String docType = rs.getString("document_type");
    Date dob = rs.getDate("date_of_birth");
    return new CardholderRecord(
        rs.getString("id"),
        "live".equals(rs.getString("mode")),
        rs.getString("reference"),
        rs.getString("first_name"),
        rs.getString("last_name"),
        rs.getString("email"),
        rs.getString("phone"),
        dob == null ? null : dob.toLocalDate(),
        new Cardholder.Address(
            rs.getString("address_line1"),
            rs.getString("address_line2"),
            rs.getString("address_city"),
            rs.getString("address_state"),
            rs.getString("address_postal_code"),
            rs.getString("address_country")),
        docType == null ? null : DocumentType.fromWire(docType),
        rs.getString("document_number"),
        rs.getString("document_country"),
        KycStatus.fromWire(rs.getString("kyc_status")),
        Json.readStringMap(rs.getString("metadata")),
        Timestamps.instant(rs.getTimestamp("created_at")),
        Timestamps.instant(rs.getTimestamp("updated_at")));
  }
}
