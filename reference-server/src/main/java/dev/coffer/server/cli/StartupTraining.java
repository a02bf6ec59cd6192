package dev.coffer.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The training run of the CLI's class-data sharing archive: the {@code ./coffer} launcher runs it
 * once per jar under {@code -XX:ArchiveClassesAtExit}, and every later client command maps the
 * classes it loaded instead of loading, parsing and verifying them again.
 *
 * <p>It walks a client command's whole path, without a server and without a token that means
 * anything: {@code secret get} against a loopback socket of its own that answers every request
 * with a {@code 404 SECRET_NOT_FOUND} problem (picocli, the command, the HTTP client, JSON, the
 * error path), then {@code --help} (the whole command tree). Nothing is printed.
 *
 * <pre>
 * java -XX:ArchiveClassesAtExit=coffer.jsa -cp coffer.jar dev.coffer.server.cli.StartupTraining
 * java -XX:SharedArchiveFile=coffer.jsa -jar coffer.jar secret get prod/db/password
 * </pre>
 */
public final class StartupTraining {
    private static final byte[] NOT_FOUND = ("HTTP/1.1 404 Not Found\r\n"
            + "Content-Type: application/problem+json\r\n"
            + "X-Request-Id: startup-training\r\n"
            + "Connection: close\r\n"
            + "Content-Length: %d\r\n\r\n%s").formatted(problem().length(), problem()).getBytes(StandardCharsets.UTF_8);

    private StartupTraining() {}

    /** Runs the training and exits 0 (the launcher keeps the archive only then). */
    public static void main(String[] args) throws IOException {
        train();
        System.exit(0);
    }

    /**
     * Runs the client commands of the training with standard output and error discarded.
     *
     * @return their exit codes: {@code secret get}'s (not found) and {@code --help}'s
     */
    static List<Integer> train() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answer(socket), "coffer-training");
            answering.setDaemon(true);
            answering.start();
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            System.setOut(quiet);
            System.setErr(quiet);
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, "http://127.0.0.1:" + socket.getLocalPort(),
                    ClientOptions.ENV_TOKEN, "startup-training");
            int get = Coffer.run(env::get, "secret", "get", "training/startup");
            int help = Coffer.run(name -> null, "--help");
            return List.of(get, help);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Answers every connection with the 404 problem until the socket is closed. */
    private static void answer(ServerSocket socket) {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                BufferedReader request = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
                for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
                    // the request line and headers; a GET has no body
                }
                connection.getOutputStream().write(NOT_FOUND);
                connection.getOutputStream().flush();
            } catch (IOException e) {
                // the socket was closed at the end of the training, or a client hung up: nothing to answer
            }
        }
    }

    private static String problem() {
        return "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"SECRET_NOT_FOUND\","
                + "\"detail\":\"startup training\"}";
    }
}
