package dev.coffer.server.rotation;

import dev.coffer.tck.rotation.RotatorContract;
import dev.coffer.tck.rotation.RotatorFixture;

/** The TCK's RotatorContract against the webhook rotator, with a receiver that lets Coffer generate each value (204). */
class WebhookRotatorContractTest extends RotatorContract {
    @Override
    protected RotatorFixture newFixture() throws Exception {
        return new WebhookFixture(false);
    }
}
