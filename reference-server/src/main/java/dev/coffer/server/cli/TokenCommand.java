package dev.coffer.server.cli;

import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenBounds;
import dev.coffer.server.auth.TokenRejectedException;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.internal.Durations;
import dev.coffer.server.standalone.DataDir;
import dev.coffer.server.standalone.SigningKeys;
import dev.coffer.spi.error.SecretsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code coffer token mint}: signs a token with the standalone server's key. */
@Command(name = "token", description = "Mint tokens signed with the key in the data directory.",
        footerHeading = Coffer.EXAMPLE, footer = "  coffer token mint --subject service:prod:api --groups payments --ttl 1h")
final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "mint", description = {"Sign a token; it is printed alone on the last line of standard output.",
        "The subject is a user or a service, never a group: groups go in --groups.",
        "Lifetime: --ttl (default 1h); the server refuses tokens living longer than its --max-token-lifetime "
            + "(default " + TokenBounds.DEFAULT_MAX_LIFETIME_TEXT + ")."},
            footerHeading = Coffer.EXAMPLE,
            footer = {"  coffer token mint --subject alice --groups payments-oncall --ttl 8h",
                "  coffer token mint --subject service:prod:api --ttl 30d > api.token"})
    int mint(@Option(names = "--subject", required = true, paramLabel = "<name>|<kind>:<name>",
                    description = "sub: a name (alice -> user:alice) or a kind:name id (service:prod:api); not group:...") String subject,
            @Option(names = "--groups", split = ",", paramLabel = "<group>",
                    description = "Comma-separated groups, matched by policies as group:<name>") List<String> groups,
            @Option(names = "--tenant", paramLabel = "<tenant>", description = "tenant claim (default: the default tenant)") String tenant,
            @Option(names = "--ttl", defaultValue = "1h", paramLabel = "<duration>",
                    description = "Lifetime, e.g. 15m, 1h, 30d (default 1h; at most the server's --max-token-lifetime, default "
                            + TokenBounds.DEFAULT_MAX_LIFETIME_TEXT + ")") String ttl,
            @Option(names = "--mfa", description = "Mark the token as authenticated with a second factor (amr: mfa)") boolean mfa,
            @Option(names = "--cluster", paramLabel = "<cluster>", description = "cluster claim, for sourceCluster conditions") String cluster,
            @Option(names = "--data", defaultValue = "coffer-data", paramLabel = "<dir>",
                    description = "Data directory holding the signing key (default ./coffer-data)") Path data,
            @Option(names = "--issuer", defaultValue = JwtSettings.DEFAULT_ISSUER, paramLabel = "<issuer>",
                    description = "iss claim; must match the server's --issuer (default " + JwtSettings.DEFAULT_ISSUER + ")") String issuer,
            @Option(names = "--audience", defaultValue = JwtSettings.DEFAULT_AUDIENCE, paramLabel = "<audience>",
                    description = "aud claim; must match the server's --audience (default " + JwtSettings.DEFAULT_AUDIENCE + ")")
                    String audience) {
        return new Minting(subject, groups, tenant, ttl, mfa, cluster, data, issuer, audience).mint();
    }

    /**
     * {@code token mint}'s work, apart from its options: picocli builds (and so verifies) every command
     * on each run, and the catch of a server exception here would load server classes into every client
     * command (see {@code ClientClassesTest}); this class is loaded only when a token is minted.
     */
    private record Minting(String subject, List<String> groups, String tenant, String ttl, boolean mfa, String cluster,
            Path data, String issuer, String audience) {
        int mint() {
            try {
                ClaimMapping.principalId(subject); // the server's rule, so no token is minted that it would refuse
            } catch (TokenRejectedException e) {
                throw new CliException(ExitCodes.USAGE, "--subject: " + e.getMessage()
                        + " (group principals come from the groups claim: pass --groups instead)");
            }
            Duration lifetime;
            try {
                lifetime = Durations.parse("--ttl", ttl);
            } catch (SecretsException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            if (lifetime.isZero() || lifetime.isNegative()) {
                throw new CliException(ExitCodes.USAGE, "--ttl must be positive");
            }
            SigningKeys keys;
            try {
                keys = SigningKeys.load(DataDir.existing(data));
            } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            String token = new TokenMinter(keys.privateKey(), new JwtSettings(issuer, audience)).mint(
                    new TokenMinter.TokenRequest(subject, groups, tenant, lifetime, mfa, cluster));
            System.err.println("token for " + subject + (tenant == null ? "" : " in tenant " + tenant) + ", valid for " + Times.format(lifetime));
            System.out.println(token);
            return ExitCodes.OK;
        }
    }
}
