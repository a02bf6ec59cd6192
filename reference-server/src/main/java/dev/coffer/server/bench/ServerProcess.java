package dev.coffer.server.bench;

import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Coffer server in a child JVM ({@code serve --port 0}): started, waited for until
 * {@code /health/ready} answers 200, stopped by {@link #close()} (SIGTERM, which runs the server's
 * own shutdown, then a kill after {@link #STOP_GRACE}). Its output goes to files in its log directory.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Coffer listening on (http://\\S+)");
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final URI base;
    private final Path data;
    private final String name;

    private ServerProcess(Process process, URI base, Path data, String name) {
        this.process = process;
        this.base = base;
        this.data = data;
        this.name = name;
    }

    /**
     * Starts a server and waits until it is ready.
     *
     * @param launcher the build to run
     * @param name what messages call it
     * @param data its data directory
     * @param jdbcUrl the database, or null for H2 in the data directory
     * @param env variables for the child (the database user)
     * @param logs where its output goes
     * @throws IllegalStateException when it exits, or is not ready within {@link #START_LIMIT}, with the end of its log
     */
    static ServerProcess start(Launcher launcher, String name, Path data, String jdbcUrl, Map<String, String> env, Path logs)
            throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--bind", "127.0.0.1", "--data", data.toString()));
        if (jdbcUrl != null) {
            args.addAll(List.of("--db", jdbcUrl));
        }
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(launcher.with(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
        try {
            URI base = awaitReady(process, name, out, err);
            return new ServerProcess(process, base, data, name);
        } catch (RuntimeException | InterruptedException e) {
            stop(process);
            throw e;
        }
    }

    private static URI awaitReady(Process process, String name, Path out, Path err) throws InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI base = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited " + process.exitValue() + " at start: " + tail(err));
            }
            if (base == null) {
                Matcher m = LISTENING.matcher(read(out));
                if (m.find()) {
                    base = URI.create(m.group(1));
                }
            }
            if (base != null && ready(client, base)) {
                return base;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " was not ready within " + START_LIMIT.toSeconds() + "s: " + tail(err));
    }

    private static boolean ready(HttpClient client, URI base) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/health/ready")).timeout(Duration.ofSeconds(5)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    URI base() {
        return base;
    }

    /** The data directory. */
    Path data() {
        return data;
    }

    /** The admin token the server's first start wrote. */
    Path adminTokenFile() {
        return data.resolve("admin.token");
    }

    /** The child JVM's process id. */
    long pid() {
        return process.pid();
    }

    /** Whether it still runs. */
    boolean alive() {
        return process.isAlive();
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process process) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of a server's error log: the server never logs a value or a token. */
    private static String tail(Path err) {
        List<String> lines = read(err).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
