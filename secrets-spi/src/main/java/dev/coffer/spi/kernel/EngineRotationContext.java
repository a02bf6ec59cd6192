package dev.coffer.spi.kernel;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.Rotator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one rotator step sees. Every value is read through the kernel as the engine (so each read
 * is authorized and audited) when the step first asks for it, and wiped when the step is over.
 */
final class EngineRotationContext implements RotationContext, AutoCloseable {
    private final StandardSecretManager kernel;
    private final AccessContext engine;
    private final Secret secret;
    private final RotationPolicy policy;
    private final RotationRun run;
    private final Rotator rotator;
    private final Instant now;
    private final boolean retiring;
    private final List<SecretContent> opened = new ArrayList<>();

    EngineRotationContext(StandardSecretManager kernel, AccessContext engine, Secret secret, RotationPolicy policy,
            RotationRun run, Rotator rotator, Instant now) {
        this(kernel, engine, secret, policy, run, rotator, now, false);
    }

    /** As above; {@code retiring}: the context of {@code retire}, which has no pending value. */
    EngineRotationContext(StandardSecretManager kernel, AccessContext engine, Secret secret, RotationPolicy policy,
            RotationRun run, Rotator rotator, Instant now, boolean retiring) {
        this.retiring = retiring;
        this.kernel = kernel;
        this.engine = engine;
        this.secret = secret;
        this.policy = policy;
        this.run = run;
        this.rotator = rotator;
        this.now = now;
    }

    @Override
    public Secret secret() {
        return secret;
    }

    @Override
    public RotationPolicy policy() {
        return policy;
    }

    @Override
    public RotationRun run() {
        return run;
    }

    @Override
    public OptionalInt currentVersion() {
        return run.fromVersion() == null ? OptionalInt.empty() : OptionalInt.of(run.fromVersion());
    }

    @Override
    public Optional<SecretValue> currentValue() {
        return run.fromVersion() == null ? Optional.empty() : readIfReadable(run.fromVersion());
    }

    @Override
    public Optional<SecretValue> previousValue() {
        OptionalInt previous = kernel.store.aliases(secret.path().tenant(), secret.id()).get(Aliases.PREVIOUS);
        return previous.isPresent() ? readIfReadable(previous.getAsInt()) : Optional.empty();
    }

    @Override
    public SecretValue pendingValue() {
        if (retiring) {
            throw new IllegalStateException("retire has no pending value: rotation run " + run.id() + " finished");
        }
        if (run.pendingVersion() == null) {
            throw new IllegalStateException("rotation run " + run.id() + " has no pending value yet");
        }
        return read(secret.path(), VersionSelector.number(run.pendingVersion()));
    }

    @Override
    public SecretValue referencedSecret(String param) {
        if (rotator == null || !rotator.secretParams(policy.params()).contains(param)) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "param " + param
                    + " is not one of rotator " + policy.rotator() + "'s secret params");
        }
        SecretPath path = SecretPath.parse(secret.path().tenant(), policy.param(param));
        return read(path, VersionSelector.current());
    }

    @Override
    public Instant now() {
        return now;
    }

    /** A value of this secret by number, or empty if it is disabled, destroyed or gone. */
    Optional<SecretValue> readIfReadable(int number) {
        try {
            return Optional.of(read(secret.path(), VersionSelector.number(number)));
        } catch (VersionDisabledException | VersionDestroyedException | NotFoundException unreadable) {
            return Optional.empty();
        }
    }

    private SecretValue read(SecretPath path, VersionSelector selector) {
        SecretContent content = kernel.read(engine, path, selector);
        opened.add(content);
        return content.value();
    }

    @Override
    public void close() {
        for (SecretContent content : opened) {
            content.close();
        }
        opened.clear();
    }
}
