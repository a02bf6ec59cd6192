package dev.coffer.jdbi.downstream;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.generated.PasswordPolicy;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Rotates the password of a PostgreSQL role; rotator name {@code postgresql}. The secret's value
 * is the JSON {@code {"username","password","host","port","database"}} (AWS Secrets Manager's
 * shape; other fields are kept as they are).
 *
 * <p>Params:
 * <ul>
 *   <li>{@code strategy} (required): {@code single-user} changes the password of the role in the
 *       value, logged in as that role; applications using the old password fail to open new
 *       connections until they read the new one. {@code alternating-users} keeps two roles,
 *       {@code <user>} and {@code <user>_clone} (created on the first rotation as a member of
 *       {@code <user>} with {@code INHERIT}, so with the same privileges), and each rotation sets a
 *       new password on the one the current value does <em>not</em> name: the current login keeps
 *       working throughout, which is what makes the rotation free of downtime. When the overlap
 *       ends, {@code retire} gives the old role a random password nobody knows.</li>
 *   <li>{@code adminSecret}: {@code environment/path} of the Coffer secret holding the JSON
 *       {@code {"username","password"}} of a role with {@code CREATEROLE}. Required for
 *       {@code alternating-users}; for {@code single-user} the last resort when neither the
 *       current nor the previous password logs in.</li>
 *   <li>{@code sslmode} (optional): the driver's {@code sslmode}.</li>
 * </ul>
 *
 * <p>Passwords are set with {@code ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'}: the verifier is
 * computed here (pgjdbc's {@link PGConnection#alterUserPassword}), so no plaintext password reaches
 * the server or its statement log. Every step opens its own short connections with bounded
 * timeouts and holds nothing between steps. Errors carry reason codes ({@code LOGIN_REFUSED},
 * {@code ADMIN_LOGIN_REFUSED}, {@code DOWNSTREAM_UNAVAILABLE}, {@code INVALID_CREDENTIAL_JSON},
 * {@code PASSWORD_REJECTED}, {@code ALTER_ROLE_FAILED}, {@code PRIVILEGES_MISSING},
 * {@code NO_CURRENT_VALUE}) and name roles, never values; driver exceptions are not attached (their
 * messages may echo SQL).
 *
 * <pre>{@code
 * RotationPolicy.builder("postgresql", RotationSchedule.parse("30d"))
 *         .param("strategy", "alternating-users")
 *         .param("adminSecret", "prod/db/admin")
 *         .build();
 * }</pre>
 */
public final class PostgresRotator implements Rotator {
    /** The rotator's name in policies. */
    public static final String NAME = "postgresql";
    /** The strategy that changes the password of the one role. */
    public static final String SINGLE_USER = "single-user";
    /** The strategy that alternates between {@code <user>} and {@code <user>_clone}. */
    public static final String ALTERNATING_USERS = "alternating-users";
    /** The suffix of the second role of {@code alternating-users}. */
    public static final String CLONE_SUFFIX = "_clone";

    static final String STRATEGY = "strategy";
    static final String ADMIN_SECRET = "adminSecret";
    static final String SSLMODE = "sslmode";
    private static final String ROLE = "role";
    private static final Set<String> PARAMS = Set.of(STRATEGY, ADMIN_SECRET, ROLE, SSLMODE);
    private static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Pattern SECRET_REF = Pattern.compile("[^/\\s]{1,128}/[^\\s]{1,512}");
    // The base role must leave room for the suffix within PostgreSQL's 63-byte names.
    private static final int MAX_BASE_ROLE = 63 - CLONE_SUFFIX.length();
    private static final int CONNECT_TIMEOUT_SECONDS = 5;
    private static final int LOGIN_TIMEOUT_SECONDS = 10;
    private static final int SOCKET_TIMEOUT_SECONDS = 30;
    // The generated rotator's policy: 32 characters of the URL-safe alphabet (about 190 bits) with
    // every class present, so password-check hooks that want classes accept it, and no character
    // that a connection string, shell or .pgpass needs to escape.
    private static final PasswordPolicy PASSWORD = PasswordPolicy.of(32,
            EnumSet.allOf(PasswordPolicy.CharClass.class), null, "-_");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(Map<String, String> params) {
        for (String name : params.keySet()) {
            if (!PARAMS.contains(name)) {
                throw invalidPolicy("param '" + Messages.printable(name) + "' is not known to the postgresql rotator;"
                        + " it takes strategy, adminSecret, role and sslmode");
            }
        }
        String strategy = params.get(STRATEGY);
        if (strategy == null || strategy.isBlank()) {
            throw invalidPolicy("param strategy is required: single-user or alternating-users");
        }
        if (!SINGLE_USER.equals(strategy) && !ALTERNATING_USERS.equals(strategy)) {
            throw invalidPolicy("param strategy must be single-user or alternating-users, got '" + Messages.printable(strategy) + "'");
        }
        String admin = params.get(ADMIN_SECRET);
        if (admin != null && !SECRET_REF.matcher(admin).matches()) {
            throw invalidPolicy("param adminSecret must name a secret as environment/path");
        }
        if (admin == null && ALTERNATING_USERS.equals(strategy)) {
            throw invalidPolicy("param adminSecret is required by alternating-users: the clone role is created and its password set as that admin");
        }
        String role = params.get(ROLE);
        if (admin != null && role == null) {
            throw invalidPolicy("param role is required with adminSecret: the base role the admin may change, so that a"
                    + " value naming another role or host is refused rather than acted on as the admin");
        }
        if (role != null && (!PgCredential.PLAIN_IDENTIFIER.matcher(role).matches() || role.length() > MAX_BASE_ROLE)) {
            throw invalidPolicy("param role must be a plain PostgreSQL identifier of at most " + MAX_BASE_ROLE + " characters");
        }
        String sslmode = params.get(SSLMODE);
        if (sslmode != null && !SSLMODES.contains(sslmode)) {
            throw invalidPolicy("param sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, got '"
                    + Messages.printable(sslmode) + "'");
        }
    }

    @Override
    public Set<String> secretParams(Map<String, String> params) {
        return params.containsKey(ADMIN_SECRET) ? Set.of(ADMIN_SECRET) : Set.of();
    }

    @Override
    public SecretValue create(RotationContext ctx) {
        Settings settings = settings(ctx);
        PgCredential current = current(ctx);
        String username = settings.alternating() ? otherRole(current.username()) : current.username();
        char[] password = newPassword();
        try {
            return current.withLogin(username, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    @Override
    public void apply(RotationContext ctx) {
        Settings settings = settings(ctx);
        PgCredential current = current(ctx);
        PgCredential pending = pending(ctx, current, settings);
        requirePinned(ctx, settings, current, pending);
        // Already applied (an earlier attempt got this far, or a crash came after the change)?
        if (loginWorks(settings, pending, pending)) {
            return;
        }
        if (settings.alternating()) {
            applyAsAdmin(ctx, settings, pending, baseRole(current.username()));
            return;
        }
        // single-user: log in as the role itself with the current password (which proves it still
        // works before changing it), else with the previous one (an earlier rotation changed the
        // password downstream but was never promoted), else as the admin if there is one.
        List<PgCredential> logins = new ArrayList<>();
        logins.add(current);
        previous(ctx).filter(p -> sameLogin(p, current)).ifPresent(logins::add);
        if (changePasswordWithFirstLogin(settings, pending, logins, pending)) {
            return;
        }
        if (settings.adminSecret() != null) {
            try (Connection admin = adminLogin(ctx, settings, pending)) {
                setPassword(admin, pending);
            } catch (SQLException e) {
                throw closeFailed(e);
            }
            return;
        }
        throw new RotationException("LOGIN_REFUSED", false, "role " + current.username()
                + " logs in with neither the pending, the current nor the previous password, and the policy names no adminSecret");
    }

    @Override
    public void test(RotationContext ctx) {
        Settings settings = settings(ctx);
        PgCredential current = current(ctx);
        PgCredential pending = pending(ctx, current, settings);
        requirePinned(ctx, settings, current, pending);
        try (Connection c = login(settings, pending, pending)) {
            if (c == null) {
                throw new RotationException("LOGIN_REFUSED", false, "role " + pending.username() + " cannot log in with the pending password");
            }
            String who = single(c, "SELECT current_user", null);
            if (!pending.username().equals(who)) {
                throw new RotationException("LOGIN_REFUSED", false, "the pending login is role " + who + ", not " + pending.username());
            }
            if (settings.alternating()) {
                checkPrivilegesOf(c, pending.username(), baseRole(current.username()));
            }
        } catch (SQLException e) {
            throw downstream("testing the pending login of role " + pending.username(), e);
        }
    }

    /**
     * single-user: sets the current password again, so that a run ending without promotion (a
     * test-only run, a cancel, a final failure) leaves the current value working. alternating-users
     * never touched the current role: nothing to undo.
     */
    @Override
    public void discard(RotationContext ctx) {
        Settings settings = settings(ctx);
        if (settings.alternating()) {
            return;
        }
        PgCredential current = current(ctx);
        requirePinned(ctx, settings, current);
        if (loginWorks(settings, current, current)) {
            return;
        }
        List<PgCredential> logins = new ArrayList<>();
        pendingIfAny(ctx).filter(p -> sameLogin(p, current)).ifPresent(logins::add);
        previous(ctx).filter(p -> sameLogin(p, current)).ifPresent(logins::add);
        if (changePasswordWithFirstLogin(settings, current, logins, current)) {
            return;
        }
        if (settings.adminSecret() != null) {
            try (Connection admin = adminLogin(ctx, settings, current)) {
                setPassword(admin, current);
            } catch (SQLException e) {
                throw closeFailed(e);
            }
            return;
        }
        throw new RotationException("LOGIN_REFUSED", false, "role " + current.username()
                + " logs in with neither the current, the pending nor the previous password, and the policy names no adminSecret");
    }

    /**
     * alternating-users: once the overlap has ended, the role the old value names gets a random
     * password nobody knows, so that the old credential stops working as the overlap promised (the
     * engine retires only a version that is no longer current, and the new value names the other
     * role). Done already when the old password no longer logs in. single-user: nothing to do, apply
     * replaced that password.
     */
    @Override
    public void retire(RotationContext ctx, int version, SecretValue old) {
        Settings settings = settings(ctx);
        if (!settings.alternating()) {
            return;
        }
        PgCredential retired = PgCredential.parse(old, "retired");
        requirePinned(ctx, settings, retired);
        if (!loginWorks(settings, retired, retired)) {
            return;
        }
        char[] unknown = newPassword();
        try (Connection admin = adminLogin(ctx, settings, retired)) {
            setPassword(admin, retired.username(), unknown);
        } catch (SQLException e) {
            throw closeFailed(e);
        } finally {
            Arrays.fill(unknown, '\0');
        }
    }

    // ---- strategies

    private void applyAsAdmin(RotationContext ctx, Settings settings, PgCredential pending, String base) {
        String role = pending.username();
        try (Connection admin = adminLogin(ctx, settings, pending)) {
            admin.setAutoCommit(false);
            PGConnection pg = admin.unwrap(PGConnection.class);
            if (!role.equals(base)) {
                Boolean canLogin = roleCanLogin(admin, role);
                if (canLogin == null) {
                    // INHERIT: the clone uses the base role's privileges without SET ROLE.
                    exec(admin, "CREATE ROLE " + pg.escapeIdentifier(role) + " LOGIN INHERIT", "creating role " + role);
                } else if (!canLogin) {
                    exec(admin, "ALTER ROLE " + pg.escapeIdentifier(role) + " LOGIN INHERIT", "letting role " + role + " log in");
                }
                if (!"t".equals(single(admin, "SELECT pg_has_role(?, ?, 'MEMBER')", role, base))) {
                    exec(admin, "GRANT " + pg.escapeIdentifier(base) + " TO " + pg.escapeIdentifier(role),
                            "granting role " + base + " to " + role);
                }
            }
            setPassword(admin, pending);
            admin.commit();
        } catch (SQLException e) {
            throw downstream("applying the pending login of role " + role + " as the admin", e);
        }
    }

    // The clone must act with the base role's privileges: it inherits them, and it can read a table
    // the base role can read (the one it owns first).
    private static void checkPrivilegesOf(Connection c, String role, String base) throws SQLException {
        if (!role.equals(base) && !"t".equals(single(c, "SELECT pg_has_role(current_user, ?, 'USAGE')", base))) {
            throw new RotationException("PRIVILEGES_MISSING", false, "role " + role + " does not inherit the privileges of role " + base);
        }
        String table = null;
        try (PreparedStatement s = c.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                + " AND n.nspname NOT LIKE 'pg\\_toast%' AND has_schema_privilege(?, n.oid, 'USAGE')"
                + " AND has_table_privilege(?, c.oid, 'SELECT')"
                + " ORDER BY pg_get_userbyid(c.relowner) = ? DESC, n.nspname, c.relname LIMIT 1")) {
            s.setString(1, base);
            s.setString(2, base);
            s.setString(3, base);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    table = rs.getString(1);
                }
            }
        }
        if (table == null) {
            return; // the role reads no table; logging in is all there is to prove
        }
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM " + table + " LIMIT 1").close();
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new RotationException("PRIVILEGES_MISSING", false, "role " + role + " cannot read " + table + ", which role " + base + " can");
            }
            throw e;
        }
    }

    // ---- connections

    /** Logs in as each of {@code logins} in turn; with the first that works, sets {@code target}'s password. */
    private boolean changePasswordWithFirstLogin(Settings settings, PgCredential address, List<PgCredential> logins, PgCredential target) {
        for (PgCredential login : logins) {
            try (Connection c = login(settings, address, login)) {
                if (c != null) {
                    setPassword(c, target);
                    return true;
                }
            } catch (SQLException e) {
                throw closeFailed(e);
            }
        }
        return false;
    }

    private boolean loginWorks(Settings settings, PgCredential address, PgCredential login) {
        try (Connection c = login(settings, address, login)) {
            return c != null;
        } catch (SQLException e) {
            throw closeFailed(e);
        }
    }

    /** A connection to {@code address}'s database as {@code login}, or {@code null} if the server refuses the password. */
    private Connection login(Settings settings, PgCredential address, PgCredential login) {
        if (address.host() == null) {
            throw new RotationException("INVALID_CREDENTIAL_JSON", false, "the value of role " + address.username() + " has no host");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {address.host()});
        ds.setPortNumbers(new int[] {address.port()});
        ds.setDatabaseName(address.database() == null ? "postgres" : address.database());
        ds.setUser(login.username());
        ds.setPassword(login.passwordText());
        ds.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        ds.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        ds.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        ds.setApplicationName("coffer-rotation");
        if (settings.sslmode() != null) {
            ds.setSslMode(settings.sslmode());
        }
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            if (refused(e)) {
                return null;
            }
            throw downstream("logging in to " + address.host() + ":" + address.port() + " as role " + login.username(), e);
        }
    }

    /**
     * Logs in as the admin at the admin secret's own host, port (and database, if it names one),
     * once {@code target} is shown to be the pinned target: the same host and port, and a base role
     * equal to the policy's {@code role}. A value is written by whoever may write the rotated secret,
     * the admin secret and the policy only by those the policy setter trusted: without the pin, a
     * writer could point the admin's login at another host or the admin's power at another role.
     */
    private Connection adminLogin(RotationContext ctx, Settings settings, PgCredential target) {
        PgCredential admin = pinned(ctx, settings, target);
        Connection c = login(settings, admin.database() == null ? target : admin, admin);
        if (c == null) {
            throw new RotationException("ADMIN_LOGIN_REFUSED", false, "the admin role " + admin.username() + " cannot log in");
        }
        return c;
    }

    /**
     * With an admin secret, every value a step uses must name the pinned target: the admin secret's
     * host and port (and database, if it names one) and a base role equal to the policy's
     * {@code role}; else {@code TARGET_MISMATCH} before any login. Returns the admin credential.
     */
    private static PgCredential pinned(RotationContext ctx, Settings settings, PgCredential target) {
        PgCredential admin = PgCredential.parse(ctx.referencedSecret(ADMIN_SECRET), "admin");
        if (admin.host() == null) {
            throw new RotationException("INVALID_CREDENTIAL_JSON", false,
                    "the admin secret names no host: the admin logs in only where its own secret says");
        }
        String base = baseRole(target.username());
        boolean sameServer = admin.host().equalsIgnoreCase(String.valueOf(target.host())) && admin.port() == target.port()
                && (admin.database() == null || admin.database().equals(target.database()));
        if (!sameServer || !base.equals(settings.role())) {
            throw new RotationException("TARGET_MISMATCH", false, "a value names role " + target.username() + " at "
                    + target.host() + ":" + target.port() + ", but the policy rotates only role " + settings.role()
                    + " (and its clone) at the admin secret's " + admin.host() + ":" + admin.port() + "; nothing was done");
        }
        return admin;
    }

    // Called first by every step that logs in: no password goes anywhere before the pin holds.
    private static void requirePinned(RotationContext ctx, Settings settings, PgCredential... values) {
        if (settings.adminSecret() == null) {
            return;
        }
        for (PgCredential v : values) {
            pinned(ctx, settings, v);
        }
    }

    private static void setPassword(Connection c, PgCredential target) {
        setPassword(c, target.username(), target.password());
    }

    /** Sets {@code role}'s password as a SCRAM verifier computed here; wipes {@code password}. */
    private static void setPassword(Connection c, String role, char[] password) {
        try {
            c.unwrap(PGConnection.class).alterUserPassword(role, password.clone(), "scram-sha-256");
        } catch (SQLException e) {
            String state = String.valueOf(e.getSQLState());
            // Class 22 (data exception) is how password-check hooks refuse a password: the next
            // attempt needs a fresh value.
            boolean rejected = state.startsWith("22");
            throw new RotationException(rejected ? "PASSWORD_REJECTED" : "ALTER_ROLE_FAILED", rejected,
                    "setting the password of role " + role + " failed (SQLState " + state + ")");
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static Boolean roleCanLogin(Connection c, String role) throws SQLException {
        String can = single(c, "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", role);
        return can == null ? null : "t".equals(can);
    }

    private static String single(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; args != null && i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Object v = rs.getObject(1);
                return v instanceof Boolean b ? (b ? "t" : "f") : v == null ? null : v.toString();
            }
        }
    }

    private static void exec(Connection c, String sql, String what) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new RotationException("ALTER_ROLE_FAILED", false, what + " failed (SQLState " + e.getSQLState() + ")");
        }
    }

    private static boolean refused(SQLException e) {
        // 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, no pg_hba line)
        return "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
    }

    private static RotationException downstream(String what, SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return new RotationException("DOWNSTREAM_UNAVAILABLE", false, what + ": the server cannot be reached (SQLState " + state + ")");
        }
        if ("3D000".equals(state)) {
            return new RotationException("DOWNSTREAM_UNAVAILABLE", false, what + ": the database does not exist (SQLState 3D000)");
        }
        if ("42501".equals(state)) {
            return new RotationException("PRIVILEGES_MISSING", false, what + ": permission denied (SQLState 42501)");
        }
        // The driver's exception is not attached: its message may echo SQL.
        return new RotationException("DOWNSTREAM_UNAVAILABLE", false, what + " failed (SQLState " + state + ")");
    }

    private static RotationException closeFailed(SQLException e) {
        return new RotationException("DOWNSTREAM_UNAVAILABLE", false, "closing a connection failed (SQLState " + e.getSQLState() + ")");
    }

    // ---- values

    private record Settings(boolean alternating, String adminSecret, String role, String sslmode) {}

    private Settings settings(RotationContext ctx) {
        Map<String, String> params = ctx.policy().params();
        validate(params);
        return new Settings(ALTERNATING_USERS.equals(params.get(STRATEGY)), params.get(ADMIN_SECRET), params.get(ROLE),
                params.get(SSLMODE));
    }

    private static PgCredential current(RotationContext ctx) {
        SecretValue value = ctx.currentValue().orElseThrow(() -> new RotationException("NO_CURRENT_VALUE", false,
                "the secret has no readable current value to take the role, host and database from"));
        PgCredential current = PgCredential.parse(value, "current");
        baseRole(current.username()); // refuses a base role too long for its clone
        return current;
    }

    private static PgCredential pending(RotationContext ctx, PgCredential current, Settings settings) {
        PgCredential pending = PgCredential.parse(ctx.pendingValue(), "pending");
        String expected = settings.alternating() ? otherRole(current.username()) : current.username();
        if (!pending.username().equals(expected)) {
            throw new RotationException("INVALID_CREDENTIAL_JSON", false, "the pending value names role " + pending.username()
                    + " where the " + (settings.alternating() ? "alternating-users" : "single-user") + " strategy expects " + expected);
        }
        return pending;
    }

    private static Optional<PgCredential> pendingIfAny(RotationContext ctx) {
        try {
            return Optional.of(PgCredential.parse(ctx.pendingValue(), "pending"));
        } catch (IllegalStateException | RotationException e) {
            return Optional.empty();
        }
    }

    // The previous value only helps to recover; one that does not parse is no reason to fail.
    // An older value's password is tried only against the server and role the current value names:
    // a value pointing elsewhere must not make the engine send an older password there.
    private static boolean sameLogin(PgCredential older, PgCredential current) {
        return older.username().equals(current.username()) && java.util.Objects.equals(older.host(), current.host())
                && older.port() == current.port() && java.util.Objects.equals(older.database(), current.database());
    }

    private static Optional<PgCredential> previous(RotationContext ctx) {
        try {
            return ctx.previousValue().map(v -> PgCredential.parse(v, "previous"));
        } catch (RotationException e) {
            return Optional.empty();
        }
    }

    /** {@code app} for both {@code app} and {@code app_clone}. */
    static String baseRole(String username) {
        String base = username.endsWith(CLONE_SUFFIX) && username.length() > CLONE_SUFFIX.length()
                ? username.substring(0, username.length() - CLONE_SUFFIX.length())
                : username;
        if (base.length() > MAX_BASE_ROLE) {
            throw new RotationException("INVALID_CREDENTIAL_JSON", false, "role " + base + " is longer than " + MAX_BASE_ROLE
                    + " characters, which leaves no room for its " + CLONE_SUFFIX + " role");
        }
        return base;
    }

    /** The role of the pair that {@code username} is not. */
    static String otherRole(String username) {
        String base = baseRole(username);
        return username.equals(base) ? base + CLONE_SUFFIX : base;
    }

    private static char[] newPassword() {
        return PASSWORD.generate(RANDOM);
    }

    private static InvalidRequestException invalidPolicy(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, "postgresql rotator: " + message);
    }
}
