package dev.coffer.server.standalone;

import java.net.BindException;

/**
 * The address the server should listen on is taken by another socket (another Coffer, or any
 * other program): {@code address already in use: 127.0.0.1:8480}. Thrown before the start-up has
 * touched the data directory or the database.
 */
public final class AddressInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String bind;
    private final int port;

    AddressInUseException(String bind, int port, BindException cause) {
        super("address already in use: " + StandaloneServer.hostPort(bind, port), cause);
        this.bind = bind;
        this.port = port;
    }

    /** The address that was asked for. */
    public String bind() {
        return bind;
    }

    /** The port that was asked for. */
    public int port() {
        return port;
    }
}
