package dev.coffer.server.standalone;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.io.EofException;

/**
 * Logging levels the server insists on, whatever the root level says.
 *
 * <ul>
 *   <li>Jetty, Jersey, smallrye-jwt and jose4j never log below INFO: at DEBUG Jetty dumps request
 *       buffers (which hold secret values) and the JWT libraries print tokens and claims;</li>
 *   <li>Jersey's notes about resources registered as instances and optional providers it does not
 *       find are noise for an operator and are raised to SEVERE;</li>
 *   <li>Jersey's SEVERE stack trace for a response it could not finish because the client hung up
 *       (Jetty's {@link EofException} somewhere in the causes) is dropped: a client that goes away
 *       is not a server failure, and one such record per abandoned request let any client fill
 *       the disk. Other write failures are still logged.</li>
 * </ul>
 *
 * <p>Loggers are held in fields, since java.util.logging keeps them only weakly.
 */
public final class ServerLogging {
    private static final Logger[] QUIETED = {
        Logger.getLogger("org.glassfish.jersey.internal.inject.Providers"),
        Logger.getLogger("org.glassfish.jersey.message.internal.MessagingBinders"),
        Logger.getLogger("org.glassfish.jersey.server.wadl"),
        // warns, quoting the full request URI with its query, for any form-encoded body (the API takes none)
        Logger.getLogger("org.glassfish.jersey.servlet.WebComponent"),
    };

    private static final Logger[] NEVER_DEBUG = {
        Logger.getLogger("org.eclipse.jetty"),
        Logger.getLogger("org.glassfish.jersey"),
        Logger.getLogger("io.smallrye.jwt"),
        Logger.getLogger("org.jose4j"),
    };

    private static final Logger JERSEY_RESPONDER = Logger.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");

    private ServerLogging() {}

    /** Applies the levels. */
    public static void configure() {
        for (Logger logger : NEVER_DEBUG) {
            logger.setLevel(Level.INFO);
        }
        for (Logger logger : QUIETED) {
            logger.setLevel(Level.SEVERE);
        }
        JERSEY_RESPONDER.setFilter(record -> !clientWentAway(record));
    }

    static boolean clientWentAway(LogRecord record) {
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return true;
            }
        }
        return false;
    }
}
