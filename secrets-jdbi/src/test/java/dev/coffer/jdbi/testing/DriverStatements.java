package dev.coffer.jdbi.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A {@link Jdbi} whose connections record every statement that reaches the JDBC driver, by its
 * first keyword ({@code SELECT}, {@code INSERT}, ...), once per execution (a JDBC batch is one).
 * Counted below JDBI, so statements the code runs through JDBI and through plain JDBC alike are
 * seen.
 */
public final class DriverStatements {
    private DriverStatements() {
    }

    /** A Jdbi on {@code source} that appends each executed statement's keyword to {@code kinds}. */
    public static Jdbi counting(DataSource source, List<String> kinds) {
        return Jdbi.create(() -> connection(source.getConnection(), kinds));
    }

    private static Connection connection(Connection real, List<String> kinds) {
        return (Connection) Proxy.newProxyInstance(DriverStatements.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = call(real, method, args);
                    String name = method.getName();
                    if (name.equals("prepareStatement") && result instanceof PreparedStatement prepared) {
                        return statement(prepared, PreparedStatement.class, (String) args[0], kinds);
                    }
                    if (name.equals("createStatement") && result instanceof Statement plain) {
                        return statement(plain, Statement.class, null, kinds);
                    }
                    return result;
                });
    }

    private static Object statement(Statement real, Class<? extends Statement> type, String preparedSql, List<String> kinds) {
        return Proxy.newProxyInstance(DriverStatements.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute")) {
                String sql = args != null && args.length > 0 && args[0] instanceof String given ? given : preparedSql;
                if (sql != null) {
                    kinds.add(sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT));
                }
            }
            return call(real, method, args);
        });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
