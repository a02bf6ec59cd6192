package dev.coffer.jdbi.internal;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.argument.Argument;

/**
 * Binding and reading the column types both databases share, the same way on each: instants as
 * {@code TIMESTAMP WITH TIME ZONE} through {@link OffsetDateTime} in UTC (exact to the
 * microsecond, independent of the JVM's zone), lists as {@code VARCHAR ARRAY}.
 */
public final class Sql {
    private Sql() {}

    /** An instant (or SQL NULL) as {@code TIMESTAMP WITH TIME ZONE}. */
    public static Argument instant(Instant at) {
        return (position, statement, ctx) -> {
            if (at == null) {
                statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                statement.setObject(position, at.atOffset(ZoneOffset.UTC));
            }
        };
    }

    /** A list of strings as {@code VARCHAR ARRAY}. */
    public static Argument strings(List<String> values) {
        return (position, statement, ctx) -> {
            Array array = statement.getConnection().createArrayOf("varchar", values.toArray());
            statement.setArray(position, array);
        };
    }

    /** The instant in column {@code column}, or {@code null}. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** The strings of an array column (an empty list for SQL NULL). */
    public static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        if (array == null) {
            return List.of();
        }
        try {
            Object[] items = (Object[]) array.getArray();
            List<String> out = new ArrayList<>(items.length);
            for (Object item : items) {
                out.add((String) item);
            }
            return out;
        } finally {
            array.free();
        }
    }

    /** The value of a nullable integer column. */
    public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    /** Inserts the tenant row unless it exists; every tenant-owned row refers to it. */
    public static void ensureTenant(Handle h, String tenant) {
        h.createUpdate("INSERT INTO tenants (tenant, created_at) VALUES (:tenant, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING")
                .bind("tenant", tenant)
                .execute();
    }

    /** {@code prefix} as a LIKE pattern matching every string that starts with it ({@code ESCAPE '\'}). */
    public static String startsWith(String prefix) {
        StringBuilder pattern = new StringBuilder(prefix.length() + 1);
        for (char c : prefix.toCharArray()) {
            if (c == '\\' || c == '%' || c == '_') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }

    /** Whether {@code failure} is a unique-constraint violation (SQLState 23505 on both databases). */
    public static boolean isUniqueViolation(Throwable failure) {
        SQLException sql = sqlException(failure);
        return sql != null && "23505".equals(sql.getSQLState());
    }

    /** The SQL exception behind {@code failure} if there is one, else {@code failure} itself. */
    public static Throwable rootCause(Throwable failure) {
        SQLException sql = sqlException(failure);
        return sql == null ? failure : sql;
    }

    /** A short, value-free description of a failure: its SQLState, or its type. */
    public static String describe(Throwable failure) {
        SQLException sql = sqlException(failure);
        if (sql != null && sql.getSQLState() != null) {
            return "SQLState " + sql.getSQLState();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static SQLException sqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
