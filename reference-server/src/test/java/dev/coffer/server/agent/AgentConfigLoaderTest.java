package dev.coffer.server.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.model.VersionSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent's YAML: every key read, defaults, and errors that name the key. */
class AgentConfigLoaderTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            server: https://coffer.internal:8443
            token-file: /var/run/secrets/tokens/coffer
            """;

    private AgentConfig parse(String yaml) {
        return AgentConfigLoader.parse("agent.yaml", yaml, dir);
    }

    private String error(String yaml) {
        return assertThrows(AgentConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void theExampleOfTheBriefLoadsWithEveryKey() {
        AgentConfig c = parse(HEAD + """
                tenant: acme
                cache: {ttl: 30s, jitter: 5s, max-stale: 15m, watch: false}
                listen: 127.0.0.1:8787
                templates:
                  - destination: /etc/app/db.properties
                    permissions: "0640"
                    format: properties
                    secrets: {db.password: prod/payments/db-password, db.user: "prod/payments/db-user#current"}
                    command: ["sh", "-c", "kill -HUP $(cat /run/app.pid)"]
                    command-timeout: 10s
                    on-revoke: empty
                  - destination: /etc/app/config.yaml
                    format: template
                    template: "password: {{db_password}}\\n"
                    secrets: {db_password: "prod/payments/db-password@3"}
                    signal: {pid-file: /run/app.pid, name: SIGHUP}
                """);
        assertEquals("https://coffer.internal:8443", c.server());
        assertEquals(Path.of("/var/run/secrets/tokens/coffer"), c.tokenFile());
        assertEquals("acme", c.tenant());
        assertEquals(new CachePolicy(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(15), false), c.cache());
        assertEquals(new Listen("127.0.0.1", 8787), c.listen());
        TemplateSpec db = c.templates().get(0);
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), db.permissions());
        assertEquals(Format.PROPERTIES, db.format());
        assertEquals("prod/payments/db-password#current", db.secrets().get("db.password").target());
        assertEquals(List.of("sh", "-c", "kill -HUP $(cat /run/app.pid)"), db.command());
        assertEquals(Duration.ofSeconds(10), db.commandTimeout());
        assertEquals(OnRevoke.EMPTY, db.onRevoke());
        TemplateSpec yaml = c.templates().get(1);
        assertEquals("password: {{db_password}}\n", yaml.template());
        assertEquals(VersionSelector.number(3), yaml.secrets().get("db_password").selector());
        assertEquals(new SignalSpec(Path.of("/run/app.pid"), "HUP"), yaml.signal());
        assertFalse(c.settings(Duration.ofSeconds(5)).watch());
        assertEquals(3, c.settings(Duration.ofSeconds(5)).mappings().size(), "one cache entry per distinct reference");
    }

    @Test
    void defaultsAreTheConfigSourcesCacheRulesMode0600RemoveAndNoListener() {
        AgentConfig c = parse(HEAD + """
                templates:
                  - destination: /tmp/x
                    format: raw
                    secret: prod/db
                """);
        assertEquals("default", c.tenant());
        assertEquals(CachePolicy.DEFAULTS, c.cache());
        assertNull(c.listen());
        TemplateSpec t = c.templates().get(0);
        assertEquals(PosixFilePermissions.fromString("rw-------"), t.permissions());
        assertEquals(OnRevoke.REMOVE, t.onRevoke());
        assertEquals(Duration.ofSeconds(30), t.commandTimeout());
        assertEquals(List.of(), t.command());
    }

    @Test
    void aTemplateFileIsReadRelativeToTheConfig() throws IOException {
        Files.writeString(dir.resolve("t.mustache"), "pw={{pw}}");
        AgentConfig c = parse(HEAD + """
                templates:
                  - destination: /tmp/x
                    template-file: t.mustache
                    secrets: {pw: prod/db}
                """);
        assertEquals("pw={{pw}}", c.templates().get(0).template());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown template key|onrevoke: remove|templates[0].onrevoke: is not a known key",
        "permissions as a number|permissions: 640|templates[0].permissions: must be a quoted octal mode",
        "world-readable permissions|permissions: \"0644\"|templates[0].permissions: \"0644\" lets every user read",
        "unknown format|format: xml|templates[0].format: 'xml' is not one of raw, env, properties, json, template",
        "bad duration|command-timeout: 10 seconds|templates[0].command-timeout",
        "bad on-revoke|on-revoke: keep|templates[0].on-revoke: 'keep' is not one of remove, empty",
        "bad signal|signal: {pid-file: /run/p, name: BOOM}|templates[0].signal.name: 'BOOM' is not one of",
        "signal without pid file|signal: {name: HUP}|templates[0].signal.pid-file: is required",
        "empty command|command: []|templates[0].command: is empty",
        "command and signal|command: [true]\\n    signal: {pid-file: /run/p, name: HUP}|templates[0]: has both command: and signal:",
    })
    void aBadTemplateKeyIsNamed(String what, String line, String expected) {
        String yaml = HEAD + "templates:\n  - destination: /tmp/x\n    secrets: {a: prod/db}\n"
                + (line.startsWith("format:") ? "" : "    format: properties\n") + "    " + line.replace("\\n", "\n") + "\n";
        String message = error(yaml);
        assertTrue(message.startsWith("agent.yaml: "), message);
        assertTrue(message.contains(expected), what + ": " + message);
    }

    @Test
    void topLevelErrorsNameTheKey() {
        assertTrue(error("serverr: x\n" + HEAD).contains("agent.yaml: serverr: is not a known key"));
        assertTrue(error("token-file: /t\ntemplates: []\n").contains("server: is required"));
        assertTrue(error("server: embedded\ntoken-file: /t\n").contains("server: 'embedded' is not supported"));
        assertTrue(error("server: ftp://x\ntoken-file: /t\n").contains("server: 'ftp://x' is not an http(s) URL"));
        assertTrue(error(HEAD + "templates: []\n").contains("templates: lists no template"));
        assertTrue(error(HEAD + "cache: {ttl: 0}\ntemplates: []\n").contains("cache.ttl: must be positive"));
        assertTrue(error(HEAD + "cache: {tll: 5s}\n").contains("cache.tll: is not a known key"));
        assertTrue(error(HEAD + "cache: {watch: maybe}\n").contains("cache.watch: must be true or false"));
        assertTrue(error(HEAD + "listen: 8787\n").contains("listen: '8787' is not host:port"));
        assertTrue(error(HEAD + "templates: [\n").contains("agent.yaml: is not valid YAML"));
        assertTrue(error("server: a\nserver: b\n").contains("is not valid YAML"), "duplicate keys are refused");
    }

    @Test
    void secretsErrorsNameTheKey() {
        String base = HEAD + "templates:\n  - destination: /tmp/x\n";
        assertTrue(error(base + "    format: raw\n    secrets: {a: prod/db}\n").contains("templates[0].secrets: format raw takes exactly one secret"));
        assertTrue(error(base + "    format: raw\n").contains("templates[0].secret: is required"));
        assertTrue(error(base + "    format: env\n    secrets: {1A: prod/db}\n").contains("templates[0].secrets.1A: '1A' is not a valid name for format env"));
        assertTrue(error(base + "    format: json\n    secrets: {a: \"prod/db#x@1\"}\n").contains("templates[0].secrets.a='prod/db#x@1' has both #alias and @version"));
        assertTrue(error(base + "    format: json\n    secrets: {a: nopath}\n").contains("templates[0].secrets.a='nopath'"));
        assertTrue(error(base + "    template: \"{{a}}\"\n    secrets: {a.b: prod/db}\n").contains("templates[0].secrets.a.b"));
        assertTrue(error(base + "    secrets: {a: prod/db}\n").contains("templates[0]: format template needs exactly one of template:"));
        assertTrue(error(base + "    format: json\n    template: x\n    secrets: {a: prod/db}\n").contains("templates[0].template: is only for format template"));
        assertTrue(error(base + "    format: json\n    secrets: {a: prod/db}\n  - destination: /tmp/x\n    format: raw\n    secret: prod/db\n")
                .contains("templates[1].destination: /tmp/x is the destination of an earlier template too"));
    }

    @Test
    void aTemplateNameThatIsNotDeclaredFailsWhenTheConfigLoads() {
        String message = error(HEAD + """
                templates:
                  - destination: /tmp/x
                    template: "user={{user}} pw={{password}}"
                    secrets: {password: prod/db}
                """);
        assertTrue(message.contains("templates[0].template: the template uses {{user}}, which its secrets: do not declare"), message);
    }

    @Test
    void aPartialIsRefusedSoATemplateReadsNoOtherFile() {
        String message = error(HEAD + """
                templates:
                  - destination: /tmp/x
                    template: "{{> /etc/passwd}}"
                    secrets: {password: prod/db}
                """);
        assertTrue(message.contains("templates[0].template:"), message);
        assertTrue(message.contains("partials are not supported"), message);
    }
}
