package dev.coffer.server.agent;

import java.nio.file.Path;
import java.util.Set;

/**
 * A signal sent to the process whose PID a file holds ({@code signal: {pid-file: ..., name: HUP}}).
 *
 * @param pidFile the file holding the decimal PID, read at each send
 * @param name the signal without {@code SIG}, one of {@link #NAMES}
 */
public record SignalSpec(Path pidFile, String name) {
    /** The signals the agent sends. */
    public static final Set<String> NAMES = Set.of("HUP", "INT", "QUIT", "USR1", "USR2", "TERM", "KILL", "WINCH");
}
