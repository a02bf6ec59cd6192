package dev.coffer.server.cli;

import dev.coffer.config.internal.TokenClaims;
import dev.coffer.config.remote.BearerToken;
import dev.coffer.config.remote.RemoteSecretManager;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.SecretsException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Options every client command takes. The server is {@code --url}, else {@code $COFFER_CLI_URL},
 * else {@code http://127.0.0.1:8480}; the token comes from {@code --token-file}, {@code --token},
 * {@code $COFFER_CLI_TOKEN_FILE} or {@code $COFFER_CLI_TOKEN}, the first one given (prefer the
 * file or the variable: a token on the command line is visible to other users of the machine).
 *
 * <p>The CLI's variables carry a {@code COFFER_CLI_} prefix so that they never configure an
 * application: {@code COFFER_URL} and {@code COFFER_TOKEN_FILE} are the environment names of the
 * ConfigSource's {@code coffer.url} and {@code coffer.token-file}, and an operator's exported admin
 * token must not become every application's token. The CLI ignores those names; when one of them
 * is set and the CLI has nothing else to go on, it says so instead of silently using it.
 */
public final class ClientOptions {
    /** The CLI's server URL variable. */
    public static final String ENV_URL = "COFFER_CLI_URL";
    /** The CLI's token variable. */
    public static final String ENV_TOKEN = "COFFER_CLI_TOKEN";
    /** The CLI's token file variable. */
    public static final String ENV_TOKEN_FILE = "COFFER_CLI_TOKEN_FILE";
    /** Every variable the CLI reads for its connection. */
    public static final List<String> ENV_NAMES = List.of(ENV_URL, ENV_TOKEN, ENV_TOKEN_FILE);
    /** The default server. */
    static final String DEFAULT_URL = "http://127.0.0.1:8480";

    // Names the CLI read before it had its own: now only the ConfigSource's (or nobody's).
    private static final String OLD_URL = "COFFER_URL";
    private static final String OLD_TOKEN = "COFFER_TOKEN";
    private static final String OLD_TOKEN_FILE = "COFFER_TOKEN_FILE";

    private final Function<String, String> env;

    @Option(names = "--url", paramLabel = "<url>", description = "Server URL (default: $COFFER_CLI_URL, else " + DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", paramLabel = "<token>", description = "Bearer token (prefer $COFFER_CLI_TOKEN or --token-file)")
    String token;

    @Option(names = "--token-file", paramLabel = "<file>", description = "File holding the bearer token (default: $COFFER_CLI_TOKEN_FILE)")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, paramLabel = "<format>", description = "text (default) or json", defaultValue = "text")
    Output.Format output;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why you act; recorded in audit (X-Coffer-Reason)")
    String reason;

    @Option(names = "--ticket", paramLabel = "<ticket>", description = "Change or incident ticket; recorded in audit (X-Coffer-Ticket)")
    String ticket;

    /** Options reading the process environment. */
    public ClientOptions() {
        this(System::getenv);
    }

    /** Options reading variables from {@code env} (name to value, {@code null} when unset). */
    ClientOptions(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * The connection for these options: a {@link RemoteSecretManager} on the server URL with the token,
     * and a context with a fresh request id and the {@code --reason} / {@code --ticket} given.
     */
    Session session() {
        String base = baseUrl();
        String bearer = resolveToken();
        RemoteSecretManager api;
        try {
            api = RemoteSecretManager.builder(URI.create(base.endsWith("/") ? base : base + "/"))
                    .bearerToken(BearerToken.fixed(bearer)).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--url / " + ENV_URL + ": " + e.getMessage());
        }
        AccessContext ctx = AccessContext.of(caller(bearer)).withRequestId(UUID.randomUUID().toString());
        try {
            return new Session(api, ctx.withReason(reason).withTicket(ticket));
        } catch (SecretsException e) {
            throw new CliException(ExitCodes.USAGE, e.code() + ": --reason/--ticket: " + e.getMessage());
        }
    }

    /**
     * Who the token names, read without checking its signature (the server checks it and decides);
     * it names the caller's tenant in the client's own checks. A token that is not a readable JWT
     * still goes out: the server's answer to it is the one that counts.
     */
    private static Principal caller(String bearer) {
        return TokenClaims.parse(bearer).flatMap(claims -> {
            String id = claims.principal().contains(":") ? claims.principal() : "user:" + claims.principal();
            try {
                return Optional.of(Principal.of(id, claims.tenant() == null ? SecretManager.OPERATOR_TENANT : claims.tenant()));
            } catch (SecretsException e) {
                return Optional.empty();
            }
        }).orElseGet(() -> Principal.of("user:coffer-cli", SecretManager.OPERATOR_TENANT));
    }

    /** The output format. */
    Output out() {
        return new Output(output);
    }

    private String baseUrl() {
        if (!blank(url)) {
            return url.trim();
        }
        String fromEnv = variable(ENV_URL);
        if (fromEnv != null) {
            return fromEnv;
        }
        if (variable(OLD_URL) != null) {
            // Not an error (an application's setting may well be exported here), but never silent.
            System.err.println("coffer: warning: " + OLD_URL + " is not read by the CLI (it configures applications' ConfigSource); "
                    + "set " + ENV_URL + " or pass --url. Using " + DEFAULT_URL);
        }
        return DEFAULT_URL;
    }

    private String resolveToken() {
        if (tokenFile != null) {
            return readToken(tokenFile);
        }
        if (!blank(token)) {
            return token.trim();
        }
        String envFile = variable(ENV_TOKEN_FILE);
        if (envFile != null) {
            return readToken(Path.of(envFile));
        }
        String envToken = variable(ENV_TOKEN);
        if (envToken != null) {
            return envToken;
        }
        StringBuilder message = new StringBuilder("no token: set " + ENV_TOKEN_FILE + " or " + ENV_TOKEN
                + ", or pass --token-file (the server's first start wrote <data>/admin.token)");
        if (variable(OLD_TOKEN_FILE) != null || variable(OLD_TOKEN) != null) {
            message.append("; ").append(variable(OLD_TOKEN_FILE) != null ? OLD_TOKEN_FILE : OLD_TOKEN)
                    .append(" is set but not read by the CLI any more (")
                    .append(OLD_TOKEN_FILE).append(" is the ConfigSource's token file): rename it ")
                    .append(variable(OLD_TOKEN_FILE) != null ? ENV_TOKEN_FILE : ENV_TOKEN);
        }
        throw new CliException(ExitCodes.UNAUTHENTICATED, message.toString());
    }

    private String variable(String name) {
        String v = env.apply(name);
        return blank(v) ? null : v.trim();
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the token file " + file);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
