package dev.coffer.server.rotation;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A receiver that answers every call with one fixed status and JSON body, to test how the rotator reads answers. */
final class OneShotServer implements AutoCloseable {
    private final HttpServer server;

    private OneShotServer(int status, String json) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
    }

    /** A started server answering {@code status} with {@code json}. */
    static OneShotServer answering(int status, String json) throws IOException {
        return new OneShotServer(status, json);
    }

    /** Its URL. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/rotate";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
