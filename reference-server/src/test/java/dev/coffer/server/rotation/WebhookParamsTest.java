package dev.coffer.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code validate}: every rule refused with INVALID_ROTATION_POLICY and a message naming the param. */
class WebhookParamsTest {
    private static final String KEY = "prod/rotation/webhook-key";

    @Test
    void anHttpsUrlAndAKeySecretAreEnoughAndTheTimeoutDefaultsTo30Seconds() {
        WebhookParams p = WebhookParams.parse(Map.of("url", "https://rotate.example.com:8443/coffer?team=payments",
                "signingKeySecret", KEY));
        assertEquals("https://rotate.example.com:8443", p.origin());
        assertEquals(Duration.ofSeconds(30), p.timeout());
        assertEquals(KEY, p.signingKeySecret());
    }

    @Test
    void httpIsAcceptedToLoopbackHosts() {
        for (String url : List.of("http://localhost:8080/r", "http://127.0.0.1/r", "http://127.1.2.3:9/r", "http://[::1]:8080/r",
                "HTTP://LOCALHOST/r")) {
            WebhookParams.parse(Map.of("url", url, "signingKeySecret", KEY));
        }
    }

    @Test
    void theTimeoutIsReadAsADuration() {
        assertEquals(Duration.ofSeconds(1), parse("timeout", "1s").timeout());
        assertEquals(Duration.ofSeconds(60), parse("timeout", "PT1M").timeout());
        assertEquals(Duration.ofMillis(2500), parse("timeout", "2500ms").timeout());
    }

    static List<Arguments> refused() {
        return List.of(
                Arguments.of("url", null, "param url is required"),
                Arguments.of("url", " ", "param url is required"),
                Arguments.of("url", "http://rotate.example.com/coffer", "http is allowed only to a loopback host"),
                Arguments.of("url", "http://127.0.0.1.example.com/coffer", "http is allowed only to a loopback host"),
                Arguments.of("url", "http://10.0.0.1/coffer", "http is allowed only to a loopback host"),
                Arguments.of("url", "ftp://rotate.example.com/coffer", "must use https"),
                Arguments.of("url", "https://user:pw@rotate.example.com/coffer", "must not hold user info"),
                Arguments.of("url", "https://rotate.example.com/coffer#frag", "must not have a fragment"),
                Arguments.of("url", "/coffer", "absolute https URL"),
                Arguments.of("url", "mailto:ops@example.com", "absolute https URL"),
                Arguments.of("url", "https://rotate example.com/", "not a valid URI"),
                Arguments.of("url", "https://exa_mple.com/", "has no host"),
                Arguments.of("url", "https://rotate.example.com/" + "a".repeat(1000), "longer than 1024"),
                Arguments.of("signingKeySecret", null, "param signingKeySecret is required"),
                Arguments.of("signingKeySecret", "webhook-key", "must be written <environment>/<path>"),
                Arguments.of("signingKeySecret", "prod/", "must be written <environment>/<path>"),
                Arguments.of("signingKeySecret", "PROD/key", "not a valid secret path"),
                Arguments.of("timeout", "30", "is not a duration"),
                Arguments.of("timeout", "500ms", "between 1s and 60s"),
                Arguments.of("timeout", "61s", "between 1s and 60s"),
                Arguments.of("secret", "x", "has no param 'secret'"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("refused")
    void validateRefuses(String param, String value, String message) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> new WebhookRotator().validate(with(param, value)));
        assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
        assertTrue(e.getMessage().contains(message), () -> "expected '" + message + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(param), () -> "the message names " + param + ": " + e.getMessage());
    }

    private static WebhookParams parse(String param, String value) {
        return WebhookParams.parse(with(param, value));
    }

    private static Map<String, String> with(String param, String value) {
        Map<String, String> p = new HashMap<>(Map.of("url", "https://rotate.example.com/coffer", "signingKeySecret", KEY));
        if (value == null) {
            p.remove(param);
        } else {
            p.put(param, value);
        }
        return p;
    }
}
