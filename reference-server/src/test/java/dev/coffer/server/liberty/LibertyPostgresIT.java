package dev.coffer.server.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR inside Open Liberty on PostgreSQL (127.0.0.1:5432, trust auth, user {@code postgres}),
 * configured the way an operator would: MicroProfile Config keys {@code coffer.db.url} and
 * {@code coffer.db.user} (here in the WAR's {@code microprofile-config.properties}). The test
 * creates a database of its own and drops it afterwards. With {@code CI=true} an unreachable
 * PostgreSQL fails the build; elsewhere the class is skipped with the reason printed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@EnabledIf("postgresAvailable")
class LibertyPostgresIT {
    private static final String ADDRESS = System.getProperty("coffer.test.postgres", "127.0.0.1:5432");
    private static final String DATABASE = "coffer_liberty_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
            .toLowerCase(Locale.ROOT);

    static boolean postgresAvailable() {
        try {
            connect("postgres").close();
            return true;
        } catch (SQLException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                return true; // CI: let the deployment fail loudly rather than skip
            }
            System.out.println("LibertyPostgresIT skipped: PostgreSQL at " + ADDRESS + " is unreachable ("
                    + e.getMessage() + "); CI=true makes this a failure");
            return false;
        }
    }

    @Deployment(testable = false)
    static WebArchive deployment() throws SQLException {
        admin("CREATE DATABASE " + DATABASE);
        File war = new File(System.getProperty("coffer.war"));
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "coffer-pg.war").importFrom(war).as(WebArchive.class);
        String settings = "WEB-INF/classes/META-INF/microprofile-config.properties";
        archive.delete(settings);
        archive.add(new StringAsset("""
                mp.jwt.verify.issuer=coffer
                mp.jwt.verify.audiences=coffer
                mp.jwt.verify.publickey.algorithm=RS256
                coffer.db.url=jdbc:postgresql://%s/%s
                coffer.db.user=postgres
                coffer.db.pool-size=4
                coffer.data-dir=%s
                """.formatted(ADDRESS, DATABASE, dataDir())), settings);
        return archive;
    }

    // A data directory of its own, in the build directory (the app still writes its last audit
    // checkpoint there while it is undeployed): its checkpoints anchor this run's fresh database,
    // and checkpoints of another database (the H2 deployment's, an earlier run's) would not verify.
    private static Path dataDir() {
        try {
            return Files.createDirectories(Path.of(System.getProperty("coffer.war")).resolveSibling("coffer-pg-it-data-" + DATABASE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Arquillian undeploys after @AfterAll, and the app takes its last audit checkpoint from the
    // database as it stops; dropping the database first would stall that stop past Arquillian's
    // undeploy timeout. So the database goes when the test JVM ends, after every undeploy.
    @AfterAll
    static void dropDatabaseAtExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("LibertyPostgresIT: could not drop " + DATABASE + ": " + e.getMessage());
            }
        }, "drop-" + DATABASE));
    }

    @ArquillianResource
    URL base;

    @Test
    void theLifecycleIsStoredInPostgres() throws Exception {
        String admin = LibertyCalls.adminToken();
        String path = "liberty/pg-" + UUID.randomUUID().toString().substring(0, 8);

        HttpResponse<String> created = send("POST", "v1/secrets", admin,
                "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).getString("id");
        assertEquals(201, send("POST", "v1/secrets/" + id + "/versions", admin, "{\"value\":\"pg-v1\"}").statusCode());
        assertEquals(201, send("POST", "v1/secrets/" + id + "/versions", admin,
                "{\"value\":\"pg-v2\",\"status\":\"PENDING\"}").statusCode());
        HttpResponse<String> promoted = send("POST", "v1/secrets/" + id + "/aliases/current", admin,
                "{\"version\":2,\"expectedPreviousVersion\":1}");
        assertEquals(200, promoted.statusCode(), promoted.body());
        HttpResponse<String> read = send("GET", "v1/secrets/prod/" + path, admin, null);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals("pg-v2", json(read).getString("value"));
        HttpResponse<String> stale = send("POST", "v1/secrets/" + id + "/aliases/current", admin,
                "{\"version\":1,\"expectedPreviousVersion\":1}");
        assertEquals(409, stale.statusCode(), stale.body());

        // The rows are in this test's PostgreSQL database, the versions sealed (no plaintext there).
        try (Connection c = connect(DATABASE);
                PreparedStatement versions = c.prepareStatement(
                        "SELECT count(*) FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE s.path = ?")) {
            versions.setString(1, path);
            try (ResultSet rows = versions.executeQuery()) {
                rows.next();
                assertEquals(2, rows.getInt(1));
            }
        }
        HttpResponse<String> verify = send("POST", "v1/audit/verify", admin, null);
        assertEquals(200, verify.statusCode(), verify.body());
        assertEquals(true, json(verify).getBoolean("intact"), verify.body());
    }



    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + ADDRESS + "/" + database + "?connectTimeout=3", "postgres", null);
    }

    private static void admin(String statement) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private HttpResponse<String> send(String method, String relative, String token, String body) throws Exception {
        return LibertyCalls.send(base, method, relative, token, body);
    }

    private static JsonObject json(HttpResponse<String> response) {
        return LibertyCalls.json(response);
    }
}
