package dev.coffer.server.rotation;

import dev.coffer.server.cli.Coffer;
import dev.coffer.server.standalone.DataDir;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code coffer serve} as a process of its own (the test JVM's class path, the CLI's main
 * class), on a PostgreSQL database, with its console and log in files that the tests scan for
 * values afterwards. {@link #kill} is SIGKILL: no shutdown hook, no drive finishes.
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Coffer listening on (http://\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** How long a start may take on a busy machine: JVM, migrations, bootstrap. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    /** A reply: status and body. */
    public record Answer(int status, String body) {
        public JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    private final Process process;
    private final Path out;
    private final Path err;
    private final String url;
    private final String token;

    private ServeProcess(Process process, Path out, Path err, String url, String token) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.url = url;
        this.token = token;
    }

    /**
     * Starts {@code coffer serve --data data --db jdbcUrl --key-uri local-keyset:keyset} plus
     * {@code flags}, its output in {@code logs}, and returns once it listens.
     */
    public static ServeProcess start(Path data, String jdbcUrl, Path keyset, Path logs, String... flags) throws IOException {
        return start(data, jdbcUrl, keyset, logs, 0, flags);
    }

    /**
     * {@link #start(Path, String, Path, Path, String...)} on a fixed {@code port} (0: any free one), so
     * that a restarted instance answers at the address its clients were given.
     */
    public static ServeProcess start(Path data, String jdbcUrl, Path keyset, Path logs, int port, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Coffer.class.getName(),
                "serve", "--bind", "127.0.0.1", "--port", Integer.toString(port), "--data", data.toString(), "--db", jdbcUrl,
                "--key-uri", "local-keyset:" + keyset));
        command.addAll(List.of(flags));
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, "serve", ".out");
        Path err = Files.createTempFile(logs, "serve", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("COFFER_DB_USER", "postgres");
        builder.environment().remove("COFFER_DB_PASSWORD");
        Process process = builder.start();
        try {
            String url = awaitListening(process, out, err);
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            return new ServeProcess(process, out, err, url, token);
        } catch (IOException | RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String awaitListening(Process process, Path out, Path err) throws IOException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Matcher listening = LISTENING.matcher(Files.readString(out));
            if (listening.find()) {
                return listening.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("coffer serve exited with " + process.exitValue() + ": " + Files.readString(err));
            }
            pause(100);
        }
        throw new AssertionError("coffer serve did not listen within " + START_DEADLINE + ": " + Files.readString(err));
    }

    /** The base URL it listens on, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** The admin token it wrote into its data directory (a JWT). */
    public String token() {
        return token;
    }

    /** The process id: what the instance's claims on rotation work name. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("coffer serve " + process.pid() + " outlived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** A call with the admin token; {@code body} {@code null} sends none. */
    public Answer call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** {@link #call} that must answer {@code status}. */
    public JsonObject ok(int status, String method, String path, String body) {
        Answer answer = call(method, path, body);
        if (answer.status() != status) {
            throw new AssertionError(method + " " + path + ": expected " + status + ", got " + answer.status() + " " + answer.body());
        }
        return answer.body().isEmpty() ? JsonObject.EMPTY_JSON_OBJECT : answer.json();
    }

    /** What the process wrote to stdout and stderr so far. */
    public String output() {
        try {
            return Files.readString(out) + "\n" + Files.readString(err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process gently (SIGTERM: the shutdown hook closes the server), forcibly after 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /**
     * Polls {@code condition} until it holds, failing naming {@code what} after {@code deadline}:
     * the deadline ends a hung test, it is no claim about speed.
     */
    public static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            pause(200);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
