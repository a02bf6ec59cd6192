package dev.coffer.config.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small, strict reader of a {@code text/event-stream} (the subset of the WHATWG Server-Sent
 * Events format the change stream uses): fields {@code event}, {@code id}, {@code data},
 * {@code retry}; comment lines starting with {@code :}; an event ends at a blank line. Lines end in
 * LF, CRLF or CR. Unknown fields are ignored, as the format says. Bounded: a line longer than
 * {@link #MAX_LINE} bytes or an event of more than {@link #MAX_EVENT} bytes is refused with
 * {@link TooLarge} (the caller drops the connection), so a broken or hostile server cannot make
 * the client buffer without bound. No library is used: none that is light exists, and the format
 * is a page long.
 *
 * <pre>{@code
 * SseReader sse = new SseReader(response.body());
 * for (SseReader.Event e; (e = sse.next()) != null; ) { handle(e); }
 * }</pre>
 *
 * <p>Not thread-safe: one reader thread.
 */
final class SseReader {
    /** The longest line accepted, in bytes (a change event's data is a few hundred). */
    static final int MAX_LINE = 16 * 1024;
    /** The most bytes of fields one event may carry. */
    static final int MAX_EVENT = 32 * 1024;

    /**
     * One dispatched block: what its fields said. A block of only comments and an {@code id}
     * (the heartbeat) has a null {@code event} and {@code data}.
     *
     * @param event the {@code event} field, or {@code null}
     * @param id the last {@code id} field, or {@code null} when the block had none
     * @param data the {@code data} lines joined by LF, or {@code null} when none
     * @param retry the {@code retry} field in milliseconds, or {@code null} when none or not digits
     * @param comment whether the block held a comment (a heartbeat)
     */
    record Event(String event, String id, String data, Long retry, boolean comment) {}

    /** A line or an event over the bounds. */
    static final class TooLarge extends IOException {
        TooLarge(String what) {
            super(what);
        }
    }

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean lastWasCr;

    SseReader(InputStream in) {
        this.in = in;
    }

    /** The next block with at least one field or comment; {@code null} at the end of the stream. */
    Event next() throws IOException {
        String event = null;
        String id = null;
        StringBuilder data = null;
        Long retry = null;
        boolean comment = false;
        boolean any = false;
        int size = 0;
        while (true) {
            String l = readLine();
            if (l == null) {
                return null; // an unfinished block at the end is discarded, as the format says
            }
            if (l.isEmpty()) {
                if (any) {
                    return new Event(event, id, data == null ? null : data.toString(), retry, comment);
                }
                continue;
            }
            size += l.length();
            if (size > MAX_EVENT) {
                throw new TooLarge("an event of the change stream is longer than " + MAX_EVENT + " bytes");
            }
            any = true;
            if (l.charAt(0) == ':') {
                comment = true;
                continue;
            }
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        id = value;
                    }
                }
                case "retry" -> retry = value.matches("[0-9]{1,9}") ? Long.valueOf(value) : retry;
                default -> { } // unknown fields are ignored
            }
        }
    }

    /** One line without its terminator, decoded as UTF-8; {@code null} at the end of the stream. */
    private String readLine() throws IOException {
        line.reset();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n' && lastWasCr) {
                lastWasCr = false; // the LF of a CRLF
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new TooLarge("a line of the change stream is longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }
}
