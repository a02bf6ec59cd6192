package dev.coffer.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code secret put} reads a value from: a file (bytes as they are) or standard input (one
 * trailing newline removed unless {@code --keep-newline}, so {@code echo s3cr3t | coffer ...}
 * stores {@code s3cr3t}). Never from the command line, where other users could see it.
 */
final class ValueInput {
    static final int MAX_BYTES = 64 * 1024;

    private ValueInput() {}

    static byte[] read(Path file, boolean keepNewline) {
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
