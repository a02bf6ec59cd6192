package dev.coffer.server.rotation;

import dev.coffer.tck.rotation.RotatorContract;
import dev.coffer.tck.rotation.RotatorFixture;

/** The TCK's RotatorContract against the webhook rotator, with a receiver that answers {@code create} with its own value. */
class WebhookRotatorSuppliedValueContractTest extends RotatorContract {
    @Override
    protected RotatorFixture newFixture() throws Exception {
        return new WebhookFixture(true);
    }
}
