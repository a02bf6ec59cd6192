package dev.coffer.server.cli;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.standalone.Coffer;
import dev.coffer.server.standalone.ServeOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer serve}: the standalone server, until interrupted. */
@Command(name = "serve", description = "Run the standalone server (Jersey on Jetty).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8480", description = "Port (default 8480; 0 picks a free one)")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default 127.0.0.1)")
    String bind;

    @Option(names = "--data", defaultValue = "coffer-data", description = "Data directory (default ./coffer-data)")
    Path data;

    @Option(names = "--db", description = "JDBC URL (default: H2 file in the data directory; jdbc:postgresql://... for production). "
            + "Credentials: COFFER_DB_USER / COFFER_DB_PASSWORD")
    String db;

    @Option(names = "--key-uri", description = "Root key URI (default: local-keyset:<data>/root-keyset.json)")
    String keyUri;

    @Option(names = "--in-memory", description = "Keep secrets in memory only (demos): nothing survives a restart")
    boolean inMemory;

    @Option(names = "--trust-forwarded-for", description = "Behind one reverse proxy: take the caller address from the last X-Forwarded-For entry")
    boolean trustForwardedFor;

    @Option(names = "--issuer", defaultValue = JwtSettings.DEFAULT_ISSUER, description = "Token issuer to sign and expect (default coffer)")
    String issuer;

    @Option(names = "--audience", defaultValue = JwtSettings.DEFAULT_AUDIENCE, description = "Token audience to sign and expect (default coffer)")
    String audience;

    @Override
    public Integer call() throws InterruptedException {
        ServeOptions options = new ServeOptions(bind, port, data, db, keyUri, inMemory, trustForwardedFor,
                new JwtSettings(issuer, audience));
        Coffer coffer;
        try {
            coffer = Coffer.start(options, System.out);
        } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            // Our own start-up messages: a port in use, an unreadable key file, a bad data directory.
            throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coffer.close();
            stopped.countDown();
        }, "coffer-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}
