package dev.coffer.server.cli;

import dev.coffer.server.auth.JwtSettings;
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
@Command(name = "token", description = "Mint tokens signed with the key in the data directory.")
final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "mint", description = "Sign a token; it is printed alone on the last line of standard output.")
    int mint(@Option(names = "--subject", required = true, description = "sub: a name (alice -> user:alice) or a kind:name id (service:prod:api)") String subject,
            @Option(names = "--groups", split = ",", description = "Comma-separated groups") List<String> groups,
            @Option(names = "--tenant", description = "tenant claim (default: the default tenant)") String tenant,
            @Option(names = "--ttl", defaultValue = "1h", description = "Lifetime, e.g. 15m, 1h, 30d (default 1h)") String ttl,
            @Option(names = "--mfa", description = "Mark the token as authenticated with a second factor (amr: mfa)") boolean mfa,
            @Option(names = "--cluster", description = "cluster claim, for sourceCluster conditions") String cluster,
            @Option(names = "--data", defaultValue = "coffer-data", description = "Data directory holding the signing key (default ./coffer-data)") Path data,
            @Option(names = "--issuer", defaultValue = JwtSettings.DEFAULT_ISSUER) String issuer,
            @Option(names = "--audience", defaultValue = JwtSettings.DEFAULT_AUDIENCE) String audience) {
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
        System.err.println("token for " + subject + (tenant == null ? "" : " in tenant " + tenant) + ", valid for " + lifetime);
        System.out.println(token);
        return ExitCodes.OK;
    }
}
