package dev.coffer.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} cannot send: broken framing,
 * truncated bodies, bad escapes, abandoned connections.
 */
public final class RawHttp {
    private RawHttp() {}

    /** A parsed answer: status, the head (status line and headers) and the body text. */
    public record Answer(int status, String head, String body) {
        /** The first value of header {@code name}, or {@code null}. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) : body);
        }
    }

    /**
     * Sends {@code request} (bytes as given, then nothing more; the socket stays open for writing)
     * and reads one answer; fails after {@code timeoutMillis} without one.
     */
    public static Answer exchange(int port, byte[] request, int timeoutMillis) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + timeoutMillis + " ms");
        } catch (IOException e) {
            throw new AssertionError("raw exchange failed: " + e.getClass().getSimpleName(), null);
        }
    }

    /** {@link #exchange(int, byte[], int)} of ISO-8859-1 text. */
    public static Answer exchange(int port, String request, int timeoutMillis) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis);
    }

    /** Reads one answer: the head, then a body framed by Content-Length or chunked, or up to EOF. */
    public static Answer read(InputStream in) throws IOException {
        String head = readHead(in);
        if (head.isEmpty()) {
            throw new IOException("connection closed without an answer");
        }
        String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Answer headOnly = new Answer(status, head, "");
        String length = headOnly.header("Content-Length");
        String encoding = headOnly.header("Transfer-Encoding");
        byte[] body;
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else if (status == 204 || status == 304) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, head, new String(body, StandardCharsets.UTF_8));
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (b == '\n' && text.endsWith("\r\n\r\n")) {
                return text.substring(0, text.length() - 4);
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("connection closed mid-body");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
