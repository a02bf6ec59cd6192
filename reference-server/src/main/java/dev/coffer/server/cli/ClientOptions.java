package dev.coffer.server.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every client command takes. The token comes from {@code --token-file}, {@code --token},
 * {@code $COFFER_TOKEN_FILE} or {@code $COFFER_TOKEN}, the first one given (prefer the file or the
 * variable: a token on the command line is visible to other users of the machine).
 */
public final class ClientOptions {
    @Option(names = "--url", description = "Server URL (default: $COFFER_URL, else http://127.0.0.1:8480)")
    String url;

    @Option(names = "--token", description = "Bearer token (prefer $COFFER_TOKEN or --token-file)")
    String token;

    @Option(names = "--token-file", description = "File holding the bearer token (default: $COFFER_TOKEN_FILE)")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, description = "text (default) or json", defaultValue = "text")
    Output.Format output;

    @Option(names = "--reason", description = "Why you act; recorded in audit (X-Coffer-Reason)")
    String reason;

    @Option(names = "--ticket", description = "Change or incident ticket; recorded in audit (X-Coffer-Ticket)")
    String ticket;

    /** A client for these options. */
    ApiClient client() {
        String base = firstNonBlank(url, System.getenv("COFFER_URL"), "http://127.0.0.1:8480");
        Map<String, String> headers = new LinkedHashMap<>();
        if (reason != null) {
            headers.put("X-Coffer-Reason", reason);
        }
        if (ticket != null) {
            headers.put("X-Coffer-Ticket", ticket);
        }
        return new ApiClient(URI.create(base.endsWith("/") ? base : base + "/"), resolveToken(), headers);
    }

    /** The output format. */
    Output out() {
        return new Output(output);
    }

    private String resolveToken() {
        if (tokenFile != null) {
            return readToken(tokenFile);
        }
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        String envFile = System.getenv("COFFER_TOKEN_FILE");
        if (envFile != null && !envFile.isBlank()) {
            return readToken(Path.of(envFile));
        }
        String envToken = System.getenv("COFFER_TOKEN");
        if (envToken != null && !envToken.isBlank()) {
            return envToken.trim();
        }
        throw new CliException(ExitCodes.UNAUTHENTICATED,
                "no token: set COFFER_TOKEN or COFFER_TOKEN_FILE, or pass --token-file (the server's first start wrote <data>/admin.token)");
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the token file " + file);
        }
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : fallback;
    }
}
