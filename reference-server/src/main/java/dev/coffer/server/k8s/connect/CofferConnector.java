package dev.coffer.server.k8s.connect;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.SecretContent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code type: coffer}: each secret's {@code path} read through the one client (in production a
 * {@code RemoteSecretManager}, so the server authorizes and audits every read). A path is a
 * {@link SecretMapping} reference, {@code [<environment>/]<path>[#alias|@version]}: with the
 * connector's {@code environment} set, the path lies inside it (a leading {@code <environment>/}
 * equal to the connector's is accepted too); without one, the path must start with its environment.
 * {@code #next} falls back to {@code current} while {@code next} is not set, as in the ConfigSource.
 * The source is {@code coffer:<environment>/<path>@<version read>}.
 *
 * <pre>{@code
 * Connector vault = new CofferConnector(spec, remoteSecretManager, ctx);
 * vault.load(manager, secret).source(); // "coffer:prod/payments/db-password@3"
 * }</pre>
 */
public final class CofferConnector implements Connector {
    private final ConnectorSpec.Coffer spec;
    private final SecretManager api;
    private final AccessContext ctx;

    public CofferConnector(ConnectorSpec.Coffer spec, SecretManager api, AccessContext ctx) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.api = Objects.requireNonNull(api, "api");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    @Override
    public ConnectorSpec.Coffer spec() {
        return spec;
    }

    /**
     * The reference {@code secret} reads, checked without reading it (for {@code validate}).
     *
     * @throws SpecException when the secret has no {@code path} or it is malformed
     */
    public static SecretMapping reference(ConnectorSpec.Coffer spec, ManagerSpec manager, SecretSpec secret) {
        String what = Connector.describe(manager, secret);
        String path = secret.path().orElseThrow(() -> new SpecException(secret.where(), what + " reads through coffer connector '"
                + spec.id() + "' but has no path; add path: <environment>/<path>[#alias|@version]"));
        String text = spec.reference(path);
        try {
            return SecretMapping.reference(secret.name(), what + ": path '" + Messages.printable(path) + "'", text);
        } catch (IllegalArgumentException e) {
            throw new SpecException(secret.where(), e.getMessage());
        }
    }

    @Override
    public LoadedValue load(ManagerSpec manager, SecretSpec secret) {
        SecretMapping mapping = reference(spec, manager, secret);
        String what = Connector.describe(manager, secret) + ": coffer " + mapping.target();
        try {
            return read(mapping);
        } catch (SecretsException e) {
            if (e.code() == ErrorCode.ALIAS_NOT_FOUND && mapping.fallsBackToCurrent()) {
                try {
                    return read(mapping.atCurrent());
                } catch (SecretsException again) {
                    throw failure(secret, what, again);
                }
            }
            throw failure(secret, what, e);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(secret.where(), what + ": " + e.getMessage());
        }
    }

    private LoadedValue read(SecretMapping m) {
        try (SecretContent content = api.read(ctx, m.secretPath(ctx.tenant()), m.selector())) {
            byte[] bytes = content.value().bytes();
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                return LoadedValue.of(text, "coffer:" + m.environment() + "/" + m.path() + "@" + content.version());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("the value is not UTF-8 text; coffer k8s delivers text values");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    private static ConnectorException failure(SecretSpec secret, String what, SecretsException e) {
        return new ConnectorException(secret.where(), what + ": " + e.code() + ": " + e.getMessage() + fix(e.code()), e.code());
    }

    private static String fix(ErrorCode code) {
        return switch (code) {
            case SECRET_NOT_FOUND -> "; create it (coffer secret create) or correct the path";
            case VERSION_NOT_FOUND, ALIAS_NOT_FOUND -> "; name a version or alias the secret has (coffer secret describe)";
            case ACCESS_DENIED -> "; grant the caller read on it with a policy, or use a token that has it";
            case UNAUTHENTICATED -> "; check the token (--token-file) is valid and not expired";
            default -> "";
        };
    }
}
