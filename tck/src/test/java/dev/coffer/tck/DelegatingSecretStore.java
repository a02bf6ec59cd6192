package dev.coffer.tck;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AddedVersion;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.VersionSealer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A store that hands every call to another one. {@link ContractCatchesBrokenStoresTest} overrides
 * one method at a time to plant one bug, the way a vendor's store would get it wrong.
 */
class DelegatingSecretStore implements SecretStore {
    final SecretStore delegate;

    DelegatingSecretStore(SecretStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public AuditOutbox auditOutbox() {
        return delegate.auditOutbox();
    }

    @Override
    public Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
        return delegate.createSecret(secret, hook);
    }

    @Override
    public Optional<Secret> findSecret(String tenant, String secretId) {
        return delegate.findSecret(tenant, secretId);
    }

    @Override
    public Optional<Secret> findSecretByPath(SecretPath path) {
        return delegate.findSecretByPath(path);
    }

    @Override
    public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
        return delegate.updateSecret(secret, hook);
    }

    @Override
    public Secret updateSecret(String tenant, String secretId, UnaryOperator<Secret> change, BeforeCommit<Secret> hook) {
        return delegate.updateSecret(tenant, secretId, change, hook);
    }

    @Override
    public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
        return delegate.listSecrets(tenant, filter, page);
    }

    @Override
    public void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook) {
        delegate.deleteSecret(tenant, secretId, hook);
    }

    @Override
    public VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
            Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
        return delegate.addVersion(tenant, secretId, sealer, createdBy, now, expiresAt, makeCurrent, hook);
    }

    @Override
    public List<VersionRecord> listVersions(String tenant, String secretId) {
        return delegate.listVersions(tenant, secretId);
    }

    @Override
    public Optional<VersionRecord> findVersion(String tenant, String secretId, int number) {
        return delegate.findVersion(tenant, secretId, number);
    }

    @Override
    public Optional<SealedValue> loadSealedValue(String tenant, String secretId, int number) {
        return delegate.loadSealedValue(tenant, secretId, number);
    }

    @Override
    public Aliases aliases(String tenant, String secretId) {
        return delegate.aliases(tenant, secretId);
    }

    @Override
    public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected, Instant now,
            BeforeCommit<AliasMove> hook) {
        return delegate.moveAlias(tenant, secretId, alias, target, expected, now, hook);
    }

    @Override
    public dev.coffer.spi.store.AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
            BeforeCommit<dev.coffer.spi.store.AliasRemoval> hook) {
        return delegate.removeAlias(tenant, secretId, alias, expected, hook);
    }

    @Override
    public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from, VersionState to,
            BeforeCommit<VersionRecord> hook) {
        return delegate.transitionVersion(tenant, secretId, number, from, to, hook);
    }

    @Override
    public boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
        return delegate.rewrapVersion(tenant, secretId, number, rewrapped);
    }
}
