package dev.coffer.server.remote;

import dev.coffer.server.support.RemoteFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;

/**
 * The TCK's {@link SecretManagerContract} through {@link dev.coffer.config.remote.RemoteSecretManager}
 * against a real standalone server per test. Skipped remotely, by the fixture's capabilities: the
 * tests that move time or break the audit log, purge (no route), and the describe-by-path denial
 * assertion (the API answers describe-by-path by listing).
 */
class RemoteSecretManagerContractTest extends SecretManagerContract {
    @Override
    protected ManagerFixture createFixture() {
        return new RemoteFixture();
    }
}
