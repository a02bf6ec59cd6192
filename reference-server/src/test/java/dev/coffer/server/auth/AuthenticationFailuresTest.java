package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.SignedClaims;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.NoValueLeaks;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Refused authentications are counted by reason and summarized in the log, never with the token. */
@ExtendWith(NoValueLeaks.class)
class AuthenticationFailuresTest {
    private static final Logger LOG = Logger.getLogger(AuthenticationFailures.LOGGER);

    private final List<LogRecord> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (lines) {
                lines.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLog() {
        LOG.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        LOG.removeHandler(capture);
    }

    @Test
    void refusalsAreCountedByReasonOnMetricsAndLoggedBoundedWithoutTokens() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            String forged = new TokenMinter(generator.generateKeyPair().getPrivate(), JwtSettings.defaults())
                    .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")));
            String expired = new TokenMinter(server.signingKey(), JwtSettings.defaults(),
                    Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC))
                    .mint(TokenMinter.TokenRequest.subject("admin").ttl(Duration.ofHours(1)));
            String badTenant = SignedClaims.sign(server.signingKey(), claims -> claims.setClaim("tenant", 42));
            for (int i = 0; i < 20; i++) {
                assertEquals(401, server.send("GET", "v1/secrets", forged, null).status());
                assertEquals(401, server.send("GET", "v1/secrets", expired, null).status());
                assertEquals(401, server.send("GET", "v1/secrets", null, null).status());
            }
            assertEquals(401, server.send("GET", "v1/secrets", badTenant, null).status());
            assertEquals(401, server.send("GET", "v1/secrets", "not-a-jwt", null).status());

            Reply metrics = server.get("metrics");
            assertEquals(200, metrics.status(), metrics::toString);
            String text = metrics.body();
            assertTrue(text.contains("# TYPE coffer_authentication_failures_total counter"), text);
            assertTrue(text.contains("coffer_authentication_failures_total{reason=\"bad_signature\"} 20.0\n"), text);
            assertTrue(text.contains("coffer_authentication_failures_total{reason=\"expired\"} 20.0\n"), text);
            assertTrue(text.contains("coffer_authentication_failures_total{reason=\"missing\"} 20.0\n"), text);
            assertTrue(text.contains("coffer_authentication_failures_total{reason=\"bad_tenant\"} 1.0\n"), text);
            assertTrue(text.contains("coffer_authentication_failures_total{reason=\"malformed\"} 1.0\n"), text);
            assertTrue(text.contains("coffer_authentication_failures_total{reason=\"lifetime\"} 0.0\n"), text);

            List<String> messages = messages();
            // 62 refusals, five reasons, all within a minute: one line per reason.
            assertEquals(5, messages.size(), () -> "log lines: " + messages);
            for (String line : messages) {
                for (String token : List.of(forged, expired, badTenant)) {
                    assertFalse(line.contains(token) || line.contains(token.split("\\.")[1]), line);
                }
                assertFalse(line.contains("not-a-jwt"), line);
            }
            assertTrue(messages.contains("Coffer: 1 request(s) refused 401 (bad_signature) since the last report for this reason"),
                    () -> "log lines: " + messages);
        }
    }

    @Test
    void eachReasonLogsAtMostOnceAMinuteWithTheCountSinceItsLastLine() {
        MutableClock clock = MutableClock.startingAt2030();
        AuthenticationFailures failures = new AuthenticationFailures(new Metrics(), clock);
        for (int i = 0; i < 1000; i++) {
            failures.record(Reason.BAD_SIGNATURE);
        }
        failures.record(Reason.EXPIRED);
        assertEquals(List.of("Coffer: 1 request(s) refused 401 (bad_signature) since the last report for this reason",
                "Coffer: 1 request(s) refused 401 (expired) since the last report for this reason"), messages());

        clock.advance(Duration.ofSeconds(59));
        failures.record(Reason.BAD_SIGNATURE);
        assertEquals(2, messages().size());

        clock.advance(Duration.ofSeconds(1));
        failures.record(Reason.BAD_SIGNATURE);
        assertEquals("Coffer: 1001 request(s) refused 401 (bad_signature) since the last report for this reason",
                messages().get(2));
    }

    private List<String> messages() {
        synchronized (lines) {
            return lines.stream().map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList();
        }
    }
}
