package dev.coffer.server.cli;

import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code coffer watch}: follows the change stream ({@code GET /v1/watch}) and prints one JSON line
 * per change, metadata only, until interrupted. Reconnects (with {@code Last-Event-ID}) are the
 * client's ({@link dev.coffer.config.remote.RemoteChangeStream}); a refusal ends the command.
 */
@Command(name = "watch", description = {"Follow the change stream: one JSON line per change (metadata only, never a value) until interrupted.",
        "A line {\"reset\":true,...} says changes were missed that cannot be replayed: re-read what you depend on."},
        footerHeading = Coffer.EXAMPLE,
        footer = {"  coffer watch --environment prod --prefix payments/",
            "  coffer watch --after 1234    # resume after the seq of the last line seen"})
final class WatchCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Option(names = "--environment", paramLabel = "<environment>", description = "Only this environment's secrets (default: all)")
    String environment;

    @Option(names = "--prefix", paramLabel = "<path prefix>", description = "Only paths starting with this (default: all)")
    String prefix;

    @Option(names = "--after", paramLabel = "<seq>", description = "Resume after this seq (Last-Event-ID); default: changes from now on")
    Long after;

    @Override
    public Integer call() throws InterruptedException {
        Session s = options.session();
        WatchRequest request = s.call((api, ctx) -> after == null ? WatchRequest.of(environment, prefix)
                : WatchRequest.of(environment, prefix).resumingAfter(after));
        PrintStream out = System.out;
        try (ChangeSubscription changes = s.call((api, ctx) -> api.watch(ctx, request))) {
            while (true) {
                ChangeBatch batch;
                try {
                    batch = changes.poll(ChangeSubscription.MAX_BATCH, Duration.ofSeconds(15));
                } catch (UnavailableException e) {
                    continue; // the client is reconnecting
                } catch (SecretsException e) {
                    return s.call((api, ctx) -> {
                        throw e;
                    });
                }
                if (batch.reset()) {
                    out.println(Json.createObjectBuilder().add("reset", true).add("cursor", batch.cursor()).build());
                }
                for (SecretChange c : batch.changes()) {
                    out.println(line(c));
                }
                out.flush();
            }
        }
    }

    /** The wire form of a change, as the server sends it in {@code data}. */
    static JsonObject line(SecretChange c) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("seq", c.seq()).add("kind", c.kind().wireName());
        if (c.environment() != null) {
            b.add("environment", c.environment()).add("path", c.path());
        }
        if (c.version() != null) {
            b.add("version", c.version());
        }
        if (c.alias() != null) {
            b.add("alias", c.alias());
        }
        return b.add("at", c.at().toString()).build();
    }
}
