package dev.coffer.server.k8s.connect;

import static dev.coffer.server.k8s.provide.LayoutSpecs.agent;
import static dev.coffer.server.k8s.provide.LayoutSpecs.coffer;
import static dev.coffer.server.k8s.provide.LayoutSpecs.cofferConnector;
import static dev.coffer.server.k8s.provide.LayoutSpecs.env;
import static dev.coffer.server.k8s.provide.LayoutSpecs.literal;
import static dev.coffer.server.k8s.provide.LayoutSpecs.manager;
import static dev.coffer.server.k8s.provide.LayoutSpecs.opaque;
import static dev.coffer.server.k8s.provide.LayoutSpecs.secret;
import static dev.coffer.server.k8s.provide.LayoutSpecs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The env and literal connectors, {@link LoadedValue}'s structure detection, and {@link Connectors}' wiring. */
@ExtendWith(NoValueLeaks.class)
class ConnectorsTest {
    @TempDir
    Path dir;

    @Test
    void envReadsPrefixedVariablesFromTheGivenEnvironment() {
        String url = TestValues.text();
        SecretSpec s = secret("DATABASE_URL");
        ManagerSpec m = manager("backend", env("env", null), List.of(opaque("app", "x")), s);
        LoadedValue v = connectors(m, Map.of("COFFER_SECRET_DATABASE_URL", url)).load(m, s);
        assertEquals(url, v.text());
        assertFalse(v.structured());
        assertEquals("env:COFFER_SECRET_DATABASE_URL", v.source());
        assertEquals("LoadedValue[source=env:COFFER_SECRET_DATABASE_URL, text]", v.toString());

        ConnectorSpec.Env prefixed = new ConnectorSpec.Env("env", "APP_", java.util.Optional.empty(), dev.coffer.server.k8s.provide.LayoutSpecs.at("c"));
        assertEquals("env:APP_DATABASE_URL", new EnvConnector(prefixed, Map.of("APP_DATABASE_URL", url)).load(m, s).source());
    }

    @Test
    void envFallsBackToTheEnvFileAndTheEnvironmentWins() throws IOException {
        String fromFile = TestValues.text();
        String fromEnv = TestValues.text();
        Path file = dir.resolve(".env");
        Files.writeString(file, "# dev values\nCOFFER_SECRET_API_KEY=" + fromFile + "\nCOFFER_SECRET_DB=\"" + TestValues.text() + "\"\n");
        SecretSpec apiKey = secret("API_KEY");
        SecretSpec db = secret("DB");
        ManagerSpec m = manager("backend", env("env", file), List.of(opaque("app", "x")), apiKey, db);
        Connectors c = connectors(m, Map.of("COFFER_SECRET_DB", fromEnv));
        assertEquals(fromFile, c.load(m, apiKey).text());
        assertEquals("env:COFFER_SECRET_API_KEY", c.load(m, apiKey).source());
        assertEquals(fromEnv, c.load(m, db).text(), "the environment wins over the file");
    }

    @Test
    void aMissingVariableNamesTheSecretTheManagerTheVariableAndThePlace() throws IOException {
        SecretSpec s = secret("DATABASE_URL");
        ManagerSpec plain = manager("backend", env("env", null), List.of(opaque("app", "x")), s);
        ConnectorException e = Expect.thrown(ConnectorException.class, () -> connectors(plain, Map.of()).load(plain, s));
        assertEquals(s.where(), e.where());
        assertTrue(e.getMessage().startsWith(s.where() + ": secret 'DATABASE_URL' of manager 'backend': environment variable"
                + " COFFER_SECRET_DATABASE_URL is not set; export it, or name an envFile on connector 'env'"), e.getMessage());

        Path file = dir.resolve(".env");
        Files.writeString(file, "OTHER=1\n");
        ManagerSpec withFile = manager("backend", env("env", file), List.of(opaque("app", "x")), s);
        ConnectorException e2 = Expect.thrown(ConnectorException.class, () -> connectors(withFile, Map.of()).load(withFile, s));
        assertTrue(e2.getMessage().contains("secret 'DATABASE_URL' of manager 'backend': environment variable"
                + " COFFER_SECRET_DATABASE_URL is not set (nor in .env); export it, or add COFFER_SECRET_DATABASE_URL=... to " + file),
                e2.getMessage());

        ManagerSpec absentFile = manager("backend", env("env", dir.resolve("absent.env")), List.of(opaque("app", "x")), s);
        ConnectorException e3 = Expect.thrown(ConnectorException.class, () -> connectors(absentFile, Map.of()).load(absentFile, s));
        assertTrue(e3.getMessage().contains("is not set (and envFile " + dir.resolve("absent.env") + " does not exist)"), e3.getMessage());
    }

    @Test
    void aBrokenEnvFileNamesTheLineAndNoValue() throws IOException {
        String value = TestValues.text();
        Path file = dir.resolve("broken.env");
        Files.writeString(file, "OK=1\nCOFFER_SECRET_X=\"" + value + "\n");
        SecretSpec s = secret("Y");
        ManagerSpec m = manager("backend", env("env", file), List.of(opaque("app", "x")), s);
        ConnectorException e = Expect.thrown(ConnectorException.class, () -> connectors(m, Map.of()).load(m, s));
        assertTrue(e.getMessage().contains("connector 'env' of manager 'backend': envFile " + file
                + " line 2 (COFFER_SECRET_X): the double quote is not closed"), e.getMessage());
    }

    @Test
    void literalReadsItsValuesAndNamesAMissingOne() {
        String value = TestValues.text();
        SecretSpec have = secret("API_KEY");
        SecretSpec missing = secret("TOKEN");
        ManagerSpec m = manager("frontend", literal("inline", "API_KEY", value), List.of(opaque("app", "x")), have, missing);
        Connectors c = connectors(m, Map.of());
        assertEquals(value, c.load(m, have).text());
        assertEquals("literal:API_KEY", c.load(m, have).source());
        ConnectorException e = Expect.thrown(ConnectorException.class, () -> c.load(m, missing));
        assertTrue(e.getMessage().contains("secret 'TOKEN' of manager 'frontend': literal connector 'inline'"), e.getMessage());
        assertTrue(e.getMessage().contains("has no value named 'TOKEN'; add TOKEN under its values (it has: API_KEY)"), e.getMessage());
        assertFalse(m.connectors().toString().contains(value), "the literal spec's toString names keys only");
    }

    @Test
    void aFlatJsonObjectStaysStructuredAnythingElseIsText() {
        String password = TestValues.text();
        LoadedValue flat = LoadedValue.of("{\"username\":\"ci\",\"password\":\"" + password + "\",\"port\":5432,\"tls\":true}", "literal:X");
        assertTrue(flat.structured());
        assertEquals(Map.of("username", "ci", "password", password, "port", "5432", "tls", "true"), flat.fields().orElseThrow());
        assertEquals("LoadedValue[source=literal:X, members=[username, password, port, tls]]", flat.toString());
        assertFalse(LoadedValue.of("{\"a\":{\"b\":\"c\"}}", "literal:X").structured(), "nested");
        assertFalse(LoadedValue.of("{\"a\":null}", "literal:X").structured(), "null member");
        assertFalse(LoadedValue.of("{not json " + TestValues.text() + "}", "literal:X").structured(), "broken JSON is text");
        assertFalse(LoadedValue.of("[1,2]", "literal:X").structured(), "an array");
        IllegalArgumentException big = Expect.thrown(IllegalArgumentException.class,
                () -> LoadedValue.of("x".repeat(LoadedValue.MAX_BYTES + 1), "env:BIG"));
        assertTrue(big.getMessage().contains("the value of env:BIG is larger than"), big.getMessage());
    }

    @Test
    void aSpecWithACofferConnectorNeedsAServerAndOneWithoutDoesNot() {
        ManagerSpec envOnly = manager("backend", env("env", null), List.of(opaque("app", "x")), secret("A"));
        assertFalse(Connectors.needsCoffer(spec(envOnly)));
        Connectors.builder(spec(envOnly)).build();

        ConnectorSpec.Coffer vault = cofferConnector("vault", "prod");
        DeliverySpec withCoffer = spec(manager("payments", vault, List.of(opaque("app", "x")), secret("A")));
        assertTrue(Connectors.needsCoffer(withCoffer));
        SpecException e = Expect.thrown(SpecException.class, () -> Connectors.builder(withCoffer).build());
        assertEquals(vault.where(), e.where());
        assertTrue(e.getMessage().contains("connector 'vault' of manager 'payments' reads from Coffer, but no server is configured;"
                + " give --url and --token-file, or a coffer: section"), e.getMessage());
    }

    @Test
    void aCofferConnectorOnlyTheAgentReadsNeedsNoServer() {
        ConnectorSpec.Coffer vault = cofferConnector("vault", "prod");
        DeliverySpec agentOnly = spec(manager("payments", vault, List.of(agent("agent")), coffer("db-password", "payments/db-password")));
        assertFalse(Connectors.needsCoffer(agentOnly), "the agent reads Coffer in the pod, at run time");
        Connectors connectors = Connectors.builder(agentOnly).build();
        ManagerSpec payments = agentOnly.managers().get(0);
        SpecException e = Expect.thrown(SpecException.class, () -> connectors.load(payments, payments.secrets().get(0)));
        assertTrue(e.getMessage().contains("secret 'db-password' of manager 'payments' is read by the agent at run time, not by coffer k8s"),
                e.getMessage());

        // One secret of the same connector that becomes a Secret needs the server again.
        DeliverySpec mixed = spec(manager("payments", vault, List.of(agent("agent"), opaque("app", "x")),
                coffer("db-password", "payments/db-password"),
                new SecretSpec("API_KEY", Optional.empty(), Optional.of("app"), Optional.of("payments/api-key"), Optional.empty(), vault.where())));
        assertTrue(Connectors.needsCoffer(mixed));
        Expect.thrown(SpecException.class, () -> Connectors.builder(mixed).build());
    }

    private static Connectors connectors(ManagerSpec m, Map<String, String> environment) {
        return Connectors.builder(spec(m)).environment(environment).build();
    }
}
