package dev.coffer.jdbi.internal;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Says why a database could not be opened, from the {@link SQLException} under whatever the pool
 * wrapped it in: its SQLState, and for the common classes what to check. The driver's own message is
 * not repeated: drivers may quote connection properties in it, and the operator reads this line.
 */
public final class OpenFailures {
    private OpenFailures() {}

    /** E.g. {@code no connection: is the database server running and reachable there? (SQLState 08001)}. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState().toUpperCase(Locale.ROOT);
                return hint(state) + " (SQLState " + state + ")";
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static String hint(String state) {
        if (state.startsWith("08")) {
            return "no connection: is the database server running and reachable there?";
        }
        if (state.startsWith("28")) {
            return "the database refused the login: check the user and password (COFFER_DB_USER, COFFER_DB_PASSWORD)";
        }
        if (state.startsWith("3D")) {
            return "no such database: create it first (Coffer creates its tables, not the database)";
        }
        if (state.equals("42501")) {
            return "permission denied: the user may not create or change Coffer's tables";
        }
        if (state.equals("90020")) { // H2: DATABASE_ALREADY_OPEN
            return "the database file is in use by another process";
        }
        return "the database refused to open";
    }
}
