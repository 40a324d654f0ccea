package energy.dispatch.cloud.edges;

import energy.dispatch.schema.CredentialHash;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The credentials of one kind of MQTT principal (table {@code edges} or {@code services}, which the
 * broker extension reads): issues random 256-bit secrets, stores only their hash ({@link
 * CredentialHash}), replaces and withdraws them. The table and column names are the callers'
 * constants, never input. Thread-safe.
 */
final class CredentialTable {

  private final Jdbi jdbi;
  private final String table;
  private final String idColumn;

  CredentialTable(Jdbi jdbi, String table, String idColumn) {
    this.jdbi = jdbi;
    this.table = table;
    this.idColumn = idColumn;
  }

  /**
   * Checks an id (of this table or one it refers to) that becomes an MQTT topic level and a principal.
   *
   * @throws IllegalArgumentException naming {@code field} and what is allowed
   */
  static void requireValidId(String id, String field) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(field + " is required: a string of 1-64 letters, digits, _ or -");
    }
    if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(field + " must be 1-64 letters, digits, _ or -, got '" + id + "'");
    }
  }

  /**
   * Inserts the principal {@code id} with a new secret and the {@code other} columns' values.
   *
   * @return the secret, or empty when the id is taken (nothing changed)
   */
  Optional<String> insert(String id, Map<String, String> other) {
    String secret = CredentialHash.newSecret();
    Map<String, String> columns = new LinkedHashMap<>(other);
    columns.put(idColumn, id);
    columns.put("secret_hash", CredentialHash.hash(secret));
    String names = String.join(", ", columns.keySet());
    String values = columns.keySet().stream().map(column -> ":" + column).collect(Collectors.joining(", "));
    int inserted = jdbi.withHandle(h -> h.createUpdate("INSERT INTO " + table + " (" + names
            + ", credential_version) VALUES (" + values + ", 1) ON CONFLICT (" + idColumn + ") DO NOTHING")
        .bindMap(columns).execute());
    return inserted == 0 ? Optional.empty() : Optional.of(secret);
  }

  /**
   * Replaces the secret of {@code id}, reinstating it if it was revoked; the old secret stops working
   * and the broker closes its sessions within its refresh interval.
   *
   * @return the new secret, or empty when there is no such principal
   */
  Optional<String> rotate(String id) {
    String secret = CredentialHash.newSecret();
    int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE " + table
            + " SET secret_hash = :hash, credential_version = credential_version + 1, revoked_at = NULL"
            + " WHERE " + idColumn + " = :id")
        .bind("id", id).bind("hash", CredentialHash.hash(secret)).execute());
    return updated == 0 ? Optional.empty() : Optional.of(secret);
  }

  /**
   * Withdraws the credential of {@code id} (the first revocation's time is kept); the broker refuses it
   * and closes its sessions within its refresh interval.
   *
   * @return false when there is no such principal
   */
  boolean revoke(String id) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE " + table
            + " SET revoked_at = coalesce(revoked_at, now()) WHERE " + idColumn + " = :id")
        .bind("id", id).execute()) > 0;
  }
}
