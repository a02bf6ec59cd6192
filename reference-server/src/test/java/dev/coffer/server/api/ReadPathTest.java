package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.TestServer.RawReply;
import dev.coffer.tck.support.TestValues;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads by name check the raw request path with the rules a create keeps: dot segments, an
 * upper-case environment or matrix parameters are {@code INVALID_PATH}, never a read of another
 * secret. Sent over a plain socket, because HTTP clients resolve {@code ..} before sending.
 * These tests depend on the container passing the request path to the application unresolved.
 */
class ReadPathTest extends OneServerPerClass {
    private static String value;

    @BeforeAll
    static void createTheTarget() {
        // The secret a traversal would reach: etc/passwd.
        String id = server.create("etc", "passwd");
        value = TestValues.text();
        assertEquals(201, server.put(id, value, "CURRENT").status());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/v1/secrets/prod/../etc/passwd", "/v1/secrets/etc/./passwd", "/v1/secrets/etc/passwd/..",
        "/v1/secrets/etc/passwd/../passwd", "/v1/secrets/Etc/passwd", "/v1/secrets/ETC/passwd",
        "/v1/secrets/etc/passwd;x=1", "/v1/secrets/etc_x/passwd", "/v1/secrets/1etc/passwd",
        "/v1/metadata/prod/../etc/passwd", "/v1/metadata/etc/./passwd", "/v1/metadata/Etc/passwd",
        "/v1/metadata/etc/passwd;x=1"})
    void readPathsThatBreakThePathRulesAreInvalidPath(String target) {
        RawReply reply = server.rawGet(target, server.adminToken);
        assertEquals(400, reply.status(), reply::body);
        assertTrue(reply.body().contains("\"code\":\"INVALID_PATH\""), reply::body);
        assertFalse(reply.body().contains(value), "the traversal read a value");
    }

    /** Encoded dot segments: Jetty refuses them as ambiguous before the application; whoever answers, nothing is read. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/secrets/prod/%2e%2e/etc/passwd", "/v1/secrets/prod/%2E%2E/etc/passwd",
        "/v1/secrets/etc/%2e/passwd", "/v1/metadata/prod/%2e%2e/etc/passwd"})
    void encodedDotSegmentsReadNothing(String target) {
        RawReply reply = server.rawGet(target, server.adminToken);
        assertEquals(400, reply.status(), reply::body);
        assertFalse(reply.body().contains(value), "the traversal read a value");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/secrets/etc/passwd", "/v1/secrets/etc/pa%73swd"})
    void validPathsStillRead(String target) {
        RawReply reply = server.rawGet(target, server.adminToken);
        assertEquals(200, reply.status(), reply::body);
        assertTrue(reply.body().contains(value));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/metadata/etc/passwd"})
    void metadataByValidNameStillAnswers(String target) {
        assertEquals(200, server.rawGet(target, server.adminToken).status());
    }
}
