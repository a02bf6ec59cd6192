package dev.coffer.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code secret put} reads a value from: a file (bytes as they are) or standard input (one
 * trailing newline removed unless {@code --keep-newline}, so {@code echo s3cr3t | coffer ...}
 * stores {@code s3cr3t}). Never from the command line, where other users could see it.
 *
 * <p>An empty value is refused unless asked for: {@code printf '' | coffer secret put ...}, a
 * redirect from {@code /dev/null} or an empty file is almost always a broken pipeline, and
 * storing it would make {@code ""} the CURRENT value every reader gets.
 */
final class ValueInput {
    static final int MAX_BYTES = 64 * 1024;

    private ValueInput() {}

    /**
     * Reads the value.
     *
     * @param allowEmpty whether an empty value (after the newline rule) is accepted
     * @throws CliException {@code INVALID_ARGUMENT} (exit {@link ExitCodes#INVALID}) for an empty
     *     value without {@code allowEmpty}; {@code VALUE_TOO_LARGE} past {@link #MAX_BYTES}
     */
    static byte[] read(Path file, boolean keepNewline, boolean allowEmpty) {
        byte[] bytes = read(file, keepNewline);
        if (bytes.length == 0 && !allowEmpty) {
            throw new CliException(ExitCodes.INVALID, "INVALID_ARGUMENT: the value is empty (" + (file != null ? "the file " + file
                    + " is empty" : "standard input gave no bytes") + "); nothing was stored. Pass --allow-empty to store an empty value");
        }
        return bytes;
    }

    private static byte[] read(Path file, boolean keepNewline) {
        try {
            if (file != null) {
                if (Files.size(file) > MAX_BYTES) {
                    throw tooLarge();
                }
                return Files.readAllBytes(file);
            }
            byte[] bytes = readStdin(System.in);
            if (!keepNewline) {
                int end = bytes.length;
                if (end > 0 && bytes[end - 1] == '\n') {
                    end--;
                    if (end > 0 && bytes[end - 1] == '\r') {
                        end--;
                    }
                }
                if (end != bytes.length) {
                    byte[] trimmed = java.util.Arrays.copyOf(bytes, end);
                    java.util.Arrays.fill(bytes, (byte) 0);
                    return trimmed;
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the value: " + e.getClass().getSimpleName());
        }
    }

    private static byte[] readStdin(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 2); // room for a trailing CRLF
        if (bytes.length == MAX_BYTES + 2 && in.read() != -1) { // the server refuses what is still too large
            throw tooLarge();
        }
        return bytes;
    }

    private static CliException tooLarge() {
        return new CliException(ExitCodes.INVALID, "VALUE_TOO_LARGE: values are limited to " + MAX_BYTES + " bytes");
    }
}
