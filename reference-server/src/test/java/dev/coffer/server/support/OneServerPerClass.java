package dev.coffer.server.support;

import dev.coffer.tck.support.NoValueLeaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the API tests that share one {@link TestServer} (in-memory parts, a free port) across
 * their methods, each of which works on paths of its own. Every test runs under
 * {@link NoValueLeaks}.
 */
@ExtendWith(NoValueLeaks.class)
public abstract class OneServerPerClass {
    /** The running server. */
    protected static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        server = null;
    }
}
