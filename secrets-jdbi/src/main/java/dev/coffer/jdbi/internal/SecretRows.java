package dev.coffer.jdbi.internal;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.ReadTarget;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * The rows of {@code secrets}, {@code secret_versions} and {@code secret_aliases}: the SQL that
 * reads and writes them on a given handle, and the mapping to model records. Every statement is
 * scoped by tenant, so an id of another tenant is simply not found.
 */
public final class SecretRows {
    /** The columns a {@link Secret} is read from. */
    public static final String SECRET_COLUMNS = "tenant, id, environment, path, owner_team, description, rotation_strategy,"
            + " rotation_period, label_keys, label_values, created_at, updated_at, deletion_scheduled_at, last_rotated_at";
    private static final String VERSION_COLUMNS = "number, state, created_by, created_at, expires_at, key_id";

    private static final System.Logger LOG = System.getLogger(SecretRows.class.getName());

    private SecretRows() {}

    /** A secret read under its row lock, with the highest version number allocated so far. */
    public record Locked(Secret secret, int lastVersion) {}

    public static Optional<Secret> find(Handle h, String tenant, String id) {
        return h.createQuery("SELECT " + SECRET_COLUMNS + " FROM secrets WHERE tenant = :tenant AND id = :id")
                .bind("tenant", tenant).bind("id", id)
                .map(SecretRows::secret).findOne();
    }

    public static Optional<Secret> findByPath(Handle h, SecretPath path) {
        return h.createQuery("SELECT " + SECRET_COLUMNS + " FROM secrets"
                        + " WHERE tenant = :tenant AND environment = :environment AND path = :path")
                .bind("tenant", path.tenant()).bind("environment", path.environment()).bind("path", path.path())
                .map(SecretRows::secret).findOne();
    }

    /**
     * Reads a secret and locks its row until the transaction ends. Every change to a secret, its
     * versions or its aliases takes this lock first, so changes to one secret happen one after
     * the other — also when several server instances share the database.
     */
    public static Optional<Locked> lock(Handle h, String tenant, String id) {
        return h.createQuery("SELECT " + SECRET_COLUMNS + ", last_version FROM secrets"
                        + " WHERE tenant = :tenant AND id = :id FOR UPDATE")
                .bind("tenant", tenant).bind("id", id)
                .map((rs, ctx) -> new Locked(secret(rs, ctx), rs.getInt("last_version"))).findOne();
    }

    /** Inserts a secret whose version numbers continue after {@code lastVersion}. */
    public static void insert(Handle h, Secret s, int lastVersion) {
        Update insert = h.createUpdate("INSERT INTO secrets (" + SECRET_COLUMNS + ", last_version) VALUES (:tenant, :id, :environment, :path,"
                        + " :ownerTeam, :description, :rotationStrategy, :rotationPeriod, :labelKeys, :labelValues, :createdAt,"
                        + " :updatedAt, :deletionScheduledAt, :lastRotatedAt, :lastVersion)")
                .bind("tenant", s.path().tenant()).bind("id", s.id())
                .bind("environment", s.path().environment()).bind("path", s.path().path())
                .bind("lastVersion", lastVersion)
                .bind("lastRotatedAt", Sql.instant(s.lastRotatedAt()));
        bindMetadata(insert, s).execute();
    }

    /** Replaces the metadata of a secret; {@code lastRotatedAt} is only ever set by moves of current. */
    public static void update(Handle h, Secret s) {
        Update update = h.createUpdate("UPDATE secrets SET owner_team = :ownerTeam, description = :description,"
                        + " rotation_strategy = :rotationStrategy, rotation_period = :rotationPeriod, label_keys = :labelKeys,"
                        + " label_values = :labelValues, created_at = :createdAt, updated_at = :updatedAt,"
                        + " deletion_scheduled_at = :deletionScheduledAt WHERE tenant = :tenant AND id = :id")
                .bind("tenant", s.path().tenant()).bind("id", s.id());
        bindMetadata(update, s).execute();
    }

    // Labels are two parallel arrays, in key order, so that nothing has to be parsed.
    private static Update bindMetadata(Update u, Secret s) {
        TreeMap<String, String> labels = new TreeMap<>(s.labels());
        return u.bind("ownerTeam", s.ownerTeam())
                .bind("description", s.description())
                .bind("rotationStrategy", s.rotationStrategy())
                .bind("rotationPeriod", s.rotationPeriod() == null ? null : s.rotationPeriod().toString())
                .bind("labelKeys", Sql.strings(List.copyOf(labels.keySet())))
                .bind("labelValues", Sql.strings(List.copyOf(labels.values())))
                .bind("createdAt", Sql.instant(s.createdAt()))
                .bind("updatedAt", Sql.instant(s.updatedAt()))
                .bind("deletionScheduledAt", Sql.instant(s.deletionScheduledAt()));
    }

    public static List<VersionRecord> versions(Handle h, String tenant, String id) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM secret_versions"
                        + " WHERE tenant = :tenant AND secret_id = :id ORDER BY number")
                .bind("tenant", tenant).bind("id", id)
                .map(SecretRows::version).list();
    }

    public static Optional<VersionRecord> version(Handle h, String tenant, String id, int number) {
        return h.createQuery("SELECT " + VERSION_COLUMNS + " FROM secret_versions"
                        + " WHERE tenant = :tenant AND secret_id = :id AND number = :number")
                .bind("tenant", tenant).bind("id", id).bind("number", number)
                .map(SecretRows::version).findOne();
    }

    /** The sealed value of a version; empty once destroyed. */
    public static Optional<SealedValue> sealed(Handle h, String tenant, String id, int number) {
        return h.createQuery("SELECT ciphertext, wrapped_key, key_id FROM secret_versions"
                        + " WHERE tenant = :tenant AND secret_id = :id AND number = :number AND ciphertext IS NOT NULL")
                .bind("tenant", tenant).bind("id", id).bind("number", number)
                .map((rs, ctx) -> new SealedValue(rs.getBytes("ciphertext"), rs.getBytes("wrapped_key"), rs.getString("key_id")))
                .findOne();
    }

    // The secret's columns qualified by "s.", and the version's renamed so that none clashes with them.
    private static final String READ_COLUMNS = java.util.Arrays.stream(SECRET_COLUMNS.split(","))
            .map(c -> "s." + c.strip()).collect(java.util.stream.Collectors.joining(", "))
            + ", v.number AS v_number, v.state AS v_state, v.created_by AS v_created_by, v.created_at AS v_created_at,"
            + " v.expires_at AS v_expires_at, v.key_id AS v_key_id, v.ciphertext AS v_ciphertext, v.wrapped_key AS v_wrapped_key";
    private static final String READ_BY_ALIAS = "SELECT " + READ_COLUMNS + ", a.version AS resolved FROM secrets s"
            + " LEFT JOIN secret_aliases a ON a.tenant = s.tenant AND a.secret_id = s.id AND a.alias = :alias"
            + " LEFT JOIN secret_versions v ON v.tenant = a.tenant AND v.secret_id = a.secret_id AND v.number = a.version"
            + " WHERE s.tenant = :tenant AND s.environment = :environment AND s.path = :path";
    private static final String READ_BY_NUMBER = "SELECT " + READ_COLUMNS + " FROM secrets s"
            + " LEFT JOIN secret_versions v ON v.tenant = s.tenant AND v.secret_id = s.id AND v.number = :number"
            + " WHERE s.tenant = :tenant AND s.environment = :environment AND s.path = :path";

    /**
     * What a read needs, in one statement (one snapshot): the secret at {@code path} (by the unique
     * key on tenant, environment and path), outer-joined to the alias the selector names (primary
     * key) and to the version it resolves to (primary key), with that version's sealed columns.
     */
    public static Optional<ReadTarget> forRead(Handle h, SecretPath path, VersionSelector selector) {
        Integer byNumber = selector instanceof VersionSelector.ByNumber n ? n.number() : null;
        Query query = h.createQuery(byNumber != null ? READ_BY_NUMBER : READ_BY_ALIAS)
                .bind("tenant", path.tenant()).bind("environment", path.environment()).bind("path", path.path());
        if (byNumber != null) {
            query.bind("number", byNumber.intValue());
        } else {
            query.bind("alias", ((VersionSelector.ByAlias) selector).name());
        }
        return query.map((rs, ctx) -> {
            Secret secret = secret(rs, ctx);
            Integer number = byNumber != null ? byNumber : Sql.nullableInt(rs, "resolved");
            if (number == null) {
                return ReadTarget.unsetAlias(secret);
            }
            if (Sql.nullableInt(rs, "v_number") == null) {
                return ReadTarget.missingVersion(secret, number);
            }
            VersionRecord record = new VersionRecord(rs.getInt("v_number"), VersionState.valueOf(rs.getString("v_state")),
                    rs.getString("v_created_by"), Sql.instant(rs, "v_created_at"), Sql.instant(rs, "v_expires_at"),
                    rs.getString("v_key_id"));
            // NULL once destroyed (the destroyed check constraint keeps both sealed columns NULL then).
            byte[] ciphertext = rs.getBytes("v_ciphertext");
            Optional<SealedValue> sealed = ciphertext == null ? Optional.empty()
                    : Optional.of(new SealedValue(ciphertext, rs.getBytes("v_wrapped_key"), record.keyId()));
            return ReadTarget.of(secret, record, sealed);
        }).findOne();
    }

    public static Aliases aliases(Handle h, String tenant, String id) {
        Map<String, Integer> byName = new TreeMap<>();
        h.createQuery("SELECT alias, version FROM secret_aliases WHERE tenant = :tenant AND secret_id = :id")
                .bind("tenant", tenant).bind("id", id)
                .map((rs, ctx) -> Map.entry(rs.getString("alias"), rs.getInt("version")))
                .forEach(e -> byName.put(e.getKey(), e.getValue()));
        return new Aliases(byName);
    }

    /**
     * Points {@code alias} at {@code target} if it points at {@code expected} now (unset when
     * empty): a conditional update, or an insert that the primary key refuses if someone set the
     * alias first.
     *
     * @return whether the alias was moved
     */
    public static boolean compareAndSetAlias(Handle h, String tenant, String id, String alias, OptionalInt expected, int target) {
        if (expected.isEmpty()) {
            return h.createUpdate("INSERT INTO secret_aliases (tenant, secret_id, alias, version)"
                            + " VALUES (:tenant, :id, :alias, :target) ON CONFLICT DO NOTHING")
                    .bind("tenant", tenant).bind("id", id).bind("alias", alias).bind("target", target)
                    .execute() == 1;
        }
        return h.createUpdate("UPDATE secret_aliases SET version = :target"
                        + " WHERE tenant = :tenant AND secret_id = :id AND alias = :alias AND version = :expected")
                .bind("tenant", tenant).bind("id", id).bind("alias", alias)
                .bind("target", target).bind("expected", expected.getAsInt())
                .execute() == 1;
    }

    /** Stamps the rotation time of a secret (moves of {@code current} only). */
    public static void stampRotation(Handle h, String tenant, String id, java.time.Instant at) {
        h.createUpdate("UPDATE secrets SET last_rotated_at = :at WHERE tenant = :tenant AND id = :id")
                .bind("tenant", tenant).bind("id", id).bind("at", Sql.instant(at))
                .execute();
    }

    /** Maps a row of {@link #SECRET_COLUMNS}. */
    public static Secret secret(ResultSet rs, StatementContext ctx) throws SQLException {
        List<String> keys = Sql.strings(rs, "label_keys");
        List<String> values = Sql.strings(rs, "label_values");
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            labels.put(keys.get(i), values.get(i));
        }
        String id = rs.getString("id");
        return new Secret(id,
                SecretPath.of(rs.getString("tenant"), rs.getString("environment"), rs.getString("path")),
                rs.getString("owner_team"), rs.getString("description"), rs.getString("rotation_strategy"),
                rotationPeriod(id, rs.getString("rotation_period")), labels,
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "deletion_scheduled_at"), Sql.instant(rs, "last_rotated_at"));
    }

    /**
     * The stored rotation period, or {@code null} when it cannot be read back (not ISO-8601, or not
     * positive: written by hand or by a release without bounds). One such row must not break the
     * listing, the secret's metadata or the audit summary: it reads as "no period", with a warning
     * naming the secret (never the stored text), and an update of rotationPeriod repairs it.
     */
    private static Duration rotationPeriod(String id, String stored) {
        if (stored == null) {
            return null;
        }
        try {
            Duration period = Duration.parse(stored);
            if (!period.isNegative() && !period.isZero()) {
                return period;
            }
        } catch (DateTimeParseException unreadable) {
            // reported below
        }
        LOG.log(System.Logger.Level.WARNING, "secret " + id + " has a stored rotation_period that is not a positive"
                + " ISO-8601 duration; it is reported without a rotation period until an update sets one");
        return null;
    }

    private static VersionRecord version(ResultSet rs, StatementContext ctx) throws SQLException {
        return new VersionRecord(rs.getInt("number"), VersionState.valueOf(rs.getString("state")), rs.getString("created_by"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "expires_at"), rs.getString("key_id"));
    }

    /** Rows of a listing, as many as were asked for plus one to tell whether another page follows. */
    public static List<Secret> list(Handle h, String sql, Map<String, Object> binds) {
        List<Secret> out = new ArrayList<>();
        h.createQuery(sql).bindMap(binds).map(SecretRows::secret).forEach(out::add);
        return out;
    }
}
