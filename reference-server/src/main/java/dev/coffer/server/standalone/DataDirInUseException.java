package dev.coffer.server.standalone;

/**
 * Another server holds the data directory's lock: {@code data directory /srv/coffer-data in use by
 * another server (pid 4242); stop it, or give this server a data directory of its own (--data)}.
 * Thrown before anything in the directory (keys, database) is opened.
 */
public final class DataDirInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    DataDirInUseException(String message) {
        super(message);
    }
}
