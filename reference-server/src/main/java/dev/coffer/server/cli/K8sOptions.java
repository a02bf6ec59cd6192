package dev.coffer.server.cli;

import dev.coffer.server.k8s.Delivery;
import dev.coffer.server.k8s.connect.ConnectorException;
import dev.coffer.server.k8s.connect.Connectors;
import dev.coffer.server.k8s.spec.CofferServer;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.SpecReader;
import dev.coffer.spi.error.SecretsException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * What every {@code coffer k8s} command takes: the spec ({@code -f}) and, for specs with
 * {@code coffer} connectors, the server. The server is {@code --url}, else the spec's
 * {@code coffer.url}, else the CLI's usual {@code $COFFER_CLI_URL}; the token {@code --token-file},
 * else the spec's {@code coffer.tokenFile}, else the CLI's usual variables. A spec without
 * {@code coffer} connectors, or whose only {@code coffer} secrets go to the {@code agent} provider (the
 * agent reads them in the pod), contacts no server.
 */
final class K8sOptions {
    private final Function<String, String> env;
    private final Map<String, String> environment;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "<spec.yaml>", description = "The delivery spec")
    Path file;

    @Option(names = "--url", paramLabel = "<url>", description = "Coffer server for coffer connectors (default: the spec's coffer.url, else $COFFER_CLI_URL)")
    String url;

    @Option(names = "--token-file", paramLabel = "<file>", description = "Bearer token file (default: the spec's coffer.tokenFile, else $COFFER_CLI_TOKEN_FILE)")
    Path tokenFile;

    /** Options reading the process environment. */
    K8sOptions() {
        this(System::getenv, System.getenv());
    }

    /** Options reading CLI variables from {@code env} and env-connector variables from {@code environment}. */
    K8sOptions(Function<String, String> env, Map<String, String> environment) {
        this.env = Objects.requireNonNull(env, "env");
        this.environment = Map.copyOf(environment);
    }

    /** The spec read and planned; a spec error is a usage error naming its file, line and field. */
    Delivery plan() {
        try {
            return Delivery.plan(SpecReader.read(file));
        } catch (SpecException e) {
            throw new CliException(ExitCodes.INVALID, e.getMessage());
        }
    }

    /** The objects with their values, read through the spec's connectors. */
    List<HasMetadata> objects(Delivery delivery) {
        DeliverySpec spec = delivery.spec();
        Connectors.Builder connectors = Connectors.builder(spec).environment(environment);
        Session session = null;
        if (Connectors.needsCoffer(spec)) {
            session = session(spec.coffer());
            connectors.coffer(session.api(), session.ctx());
        }
        try {
            return delivery.objects(connectors.build());
        } catch (ConnectorException e) {
            // names the secret, the variable or path and the server's code; the exit code is the code's
            throw new CliException(e.code().map(c -> ExitCodes.forStatus(c.httpStatus())).orElse(ExitCodes.INVALID), e.getMessage());
        } catch (SpecException e) {
            throw new CliException(ExitCodes.INVALID, e.getMessage());
        } catch (SecretsException e) {
            if (session == null) {
                throw e; // not from a server: the CLI's error handler names its code
            }
            // the server's answer, with the route and request id, as every client command says it
            return session.call((api, ctx) -> {
                throw e;
            });
        }
    }

    /** The kubectl to run: {@code --kubectl}, else {@code $COFFER_KUBECTL}, else {@code kubectl} on the PATH. */
    Kubectl kubectl(String given) {
        return Kubectl.of(given, env.apply(K8sCommand.ENV_KUBECTL));
    }

    private Session session(Optional<CofferServer> fromSpec) {
        ClientOptions client = new ClientOptions(env);
        client.url = url != null ? url : fromSpec.map(CofferServer::url).orElse(null);
        client.tokenFile = tokenFile != null ? tokenFile : fromSpec.flatMap(CofferServer::tokenFile).orElse(null);
        return client.session();
    }
}
