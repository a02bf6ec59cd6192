package dev.coffer.config.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static Bootstrap bootstrap(Map<String, String> sys, Map<String, String> env, List<Map<String, String>> files) {
        return new Bootstrap(sys, env, files);
    }

    @Test
    void defaultsFollowTheDesign() {
        Settings s = Settings.from(bootstrap(Map.of(), Map.of(), List.of()));
        assertNull(s.url());
        assertEquals(Duration.ofSeconds(60), s.ttl());
        assertEquals(Duration.ofSeconds(15), s.jitter());
        assertEquals(Duration.ofSeconds(900), s.maxStale());
        assertEquals(Duration.ofSeconds(30), s.startupTimeout());
        assertEquals(270, s.ordinal());
        assertEquals("default", s.tenant());
        assertTrue(s.mappings().isEmpty());
    }

    @Test
    void systemPropertiesBeatEnvironmentBeatFiles() {
        Bootstrap b = bootstrap(Map.of("coffer.cache.ttl", "10s"),
                Map.of("COFFER_CACHE_TTL", "20s", "COFFER_CACHE_JITTER", "2s"),
                List.of(Map.of("coffer.cache.ttl", "30s", "coffer.cache.jitter", "3s", "coffer.cache.max-stale", "5m")));
        Settings s = Settings.from(b);
        assertEquals(Duration.ofSeconds(10), s.ttl());
        assertEquals(Duration.ofSeconds(2), s.jitter());
        assertEquals(Duration.ofMinutes(5), s.maxStale());
    }

    @Test
    void environmentNamesFollowTheMicroProfileRules() {
        assertEquals("/a", bootstrap(Map.of(), Map.of("coffer.token-file", "/a"), List.of()).get("coffer.token-file").orElseThrow());
        assertEquals("/b", bootstrap(Map.of(), Map.of("coffer_token_file", "/b"), List.of()).get("coffer.token-file").orElseThrow());
        assertEquals("/c", bootstrap(Map.of(), Map.of("COFFER_TOKEN_FILE", "/c"), List.of()).get("coffer.token-file").orElseThrow());
    }

    @Test
    void originNamesTheSourceThatWonAndNeverTheValue() {
        Bootstrap b = bootstrap(Map.of("coffer.url", "http://sys:1/"),
                Map.of("COFFER_TOKEN_FILE", "/env/token", "coffer_tenant", "acme", "COFFER_MAP_DB_PASSWORD", "prod/db"),
                List.of(Map.of("coffer.url", "http://file:1/", "coffer.environment", "prod")));
        assertEquals("system property coffer.url", b.origin("coffer.url").orElseThrow());
        assertEquals("environment variable COFFER_TOKEN_FILE", b.origin("coffer.token-file").orElseThrow());
        assertEquals("environment variable coffer_tenant", b.origin("coffer.tenant").orElseThrow());
        assertEquals("environment variable COFFER_MAP_DB_PASSWORD", b.origin("coffer.map.db.password").orElseThrow());
        assertEquals("META-INF/microprofile-config.properties #1", b.origin("coffer.environment").orElseThrow());
        assertTrue(b.origin("coffer.prefix").isEmpty());
        Bootstrap blank = bootstrap(Map.of("coffer.url", " "), Map.of(), List.of());
        assertTrue(blank.origin("coffer.url").isEmpty(), "blank counts as absent, as in get");
    }

    @Test
    void aFileAboveTheEnvironmentIsTheOrigin() {
        Bootstrap b = bootstrap(Map.of(), Map.of("COFFER_URL", "http://env:1/"),
                List.of(Map.of("coffer.url", "http://file:1/", "config_ordinal", "350")));
        assertEquals("http://file:1/", b.get("coffer.url").orElseThrow());
        assertEquals("META-INF/microprofile-config.properties #1", b.origin("coffer.url").orElseThrow());
    }

    @Test
    void aFileWithAHigherConfigOrdinalWins() {
        Bootstrap b = bootstrap(Map.of("coffer.tenant", "from-sys"), Map.of(),
                List.of(Map.of("coffer.tenant", "low"), Map.of("coffer.tenant", "high", "config_ordinal", "500"),
                        Map.of("coffer.tenant", "mid", "config_ordinal", "200")));
        assertEquals("high", b.get("coffer.tenant").orElseThrow());
        Bootstrap files = bootstrap(Map.of(), Map.of(),
                List.of(Map.of("coffer.tenant", "low"), Map.of("coffer.tenant", "mid", "config_ordinal", "200")));
        assertEquals("mid", files.get("coffer.tenant").orElseThrow());
    }

    @Test
    void mappingsComeFromEverySource() {
        Bootstrap b = bootstrap(Map.of("coffer.map.a.b", "prod/a"),
                Map.of("COFFER_MAP_DB_PASSWORD", "prod/db", "coffer.map.exact-name", "prod/e"),
                List.of(Map.of("coffer.map.c", "prod/c@2", "coffer.url", "embedded")));
        Settings s = Settings.from(b);
        assertEquals(Set.of("a.b", "db.password", "exact-name", "c"), s.mappings().keySet());
        assertEquals("prod/c@2", s.mappings().get("c").target());
        assertEquals("embedded", s.url());
    }

    @Test
    void remoteNeedsATokenFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.builder().url("http://127.0.0.1:8480/").build());
        assertEquals("coffer.url is a server URL, so coffer.token-file is required", e.getMessage());
        Settings.builder().url("http://127.0.0.1:8480/").tokenFile(Path.of("/tmp/t")).build();
    }

    @Test
    void badSettingsNameTheKey() {
        assertEquals("coffer.url='ftp://x/' must be an http(s) URL or embedded",
                assertThrows(IllegalArgumentException.class, () -> Settings.builder().url("ftp://x/").build()).getMessage());
        assertEquals("coffer.prefix is set, so coffer.environment (the environment it exposes) is required",
                assertThrows(IllegalArgumentException.class, () -> Settings.builder().prefix("s.").build()).getMessage());
        assertEquals("coffer.tenant: tenant must match [a-z][a-z0-9-]{0,62}",
                assertThrows(IllegalArgumentException.class, () -> Settings.builder().tenant("Acme").build()).getMessage());
        assertEquals("coffer.ordinal='high' is not an integer", assertThrows(IllegalArgumentException.class,
                () -> Settings.from(bootstrap(Map.of("coffer.ordinal", "high"), Map.of(), List.of()))).getMessage());
        assertEquals("coffer.cache.max-stale='forever' is not a duration; write e.g. 500ms, 60s, 5m, 1h, 2d or ISO-8601 PT60S",
                assertThrows(IllegalArgumentException.class, () -> Settings.from(
                        bootstrap(Map.of("coffer.cache.max-stale", "forever"), Map.of(), List.of()))).getMessage());
    }

    @Test
    void aCommentAfterAValueInAPropertiesFileIsCalledAnInlineCommentAndNotQuoted() throws Exception {
        Properties file = new Properties();
        file.load(new StringReader("""
                coffer.url=http://coffer.internal:8480/              # or: embedded
                coffer.token-file=/var/run/secrets/coffer/token
                """));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.from(bootstrap(Map.of(), Map.of(), List.of(asMap(file)))));
        assertEquals("coffer.url (from META-INF/microprofile-config.properties #1) holds ' #': this looks like an"
                + " inline comment, and a .properties file has none (everything after '=' is the value, the comment"
                + " too); put the comment on a line of its own starting with #", e.getMessage());
    }

    @Test
    void everySettingRefusesAnInlineCommentWithoutEchoingTheValue() {
        for (String key : List.of("coffer.url", "coffer.token-file", "coffer.tenant", "coffer.environment", "coffer.prefix",
                "coffer.cache.ttl", "coffer.cache.jitter", "coffer.cache.max-stale", "coffer.ordinal",
                "coffer.startup.timeout", "coffer.map.db.password")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Settings.from(bootstrap(Map.of(key, "pasted-s3cr3t \t# note"), Map.of(), List.of())), key);
            assertTrue(e.getMessage().startsWith(key + " (from system property " + key + ") holds ' #': this looks like an inline comment"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t") || e.getMessage().contains("note"), e.getMessage());
        }
    }

    @Test
    void aHashWithoutSpaceBeforeItIsStillAnAliasNotAComment() {
        Settings s = Settings.from(bootstrap(Map.of(), Map.of(), List.of(Map.of(
                "coffer.url", "embedded", "coffer.map.db.password", "prod/db/password#next"))));
        assertEquals("prod/db/password#next", s.mappings().get("db.password").target());
    }

    private static Map<String, String> asMap(Properties p) {
        Map<String, String> m = new java.util.HashMap<>();
        p.stringPropertyNames().forEach(n -> m.put(n, p.getProperty(n)));
        return m;
    }

    @Test
    void equalSettingsAreEqual() {
        assertEquals(Settings.builder().url("embedded").map("a", "prod/a").build(),
                Settings.builder().url("embedded").map("a", "prod/a").build());
    }
}
