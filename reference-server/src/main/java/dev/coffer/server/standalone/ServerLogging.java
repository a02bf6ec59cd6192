package dev.coffer.server.standalone;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logging levels the server insists on, whatever the root level says.
 *
 * <ul>
 *   <li>Jetty, Jersey, smallrye-jwt and jose4j never log below INFO: at DEBUG Jetty dumps request
 *       buffers (which hold secret values) and the JWT libraries print tokens and claims;</li>
 *   <li>Jersey's notes about resources registered as instances and optional providers it does not
 *       find are noise for an operator and are raised to SEVERE.</li>
 * </ul>
 *
 * <p>Loggers are held in fields, since java.util.logging keeps them only weakly.
 */
public final class ServerLogging {
    private static final Logger[] QUIETED = {
        Logger.getLogger("org.glassfish.jersey.internal.inject.Providers"),
        Logger.getLogger("org.glassfish.jersey.message.internal.MessagingBinders"),
        Logger.getLogger("org.glassfish.jersey.server.wadl"),
    };

    private static final Logger[] NEVER_DEBUG = {
        Logger.getLogger("org.eclipse.jetty"),
        Logger.getLogger("org.glassfish.jersey"),
        Logger.getLogger("io.smallrye.jwt"),
        Logger.getLogger("org.jose4j"),
    };

    private ServerLogging() {}

    /** Applies the levels. */
    public static void configure() {
        for (Logger logger : NEVER_DEBUG) {
            logger.setLevel(Level.INFO);
        }
        for (Logger logger : QUIETED) {
            logger.setLevel(Level.SEVERE);
        }
    }
}
