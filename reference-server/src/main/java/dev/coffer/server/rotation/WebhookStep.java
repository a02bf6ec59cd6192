package dev.coffer.server.rotation;

import java.util.Locale;

/** The calls a webhook receiver gets, named on the wire in lower case ({@code "step":"apply"}). */
public enum WebhookStep {
    /** Make (or let Coffer make) the new value. */
    CREATE,
    /** Make the downstream accept the pending value. */
    APPLY,
    /** Prove the pending value works. */
    TEST,
    /** The pending value became current. */
    FINISH,
    /** The old value's overlap ended: revoke it. */
    RETIRE,
    /** The run ended without promotion: undo {@link #APPLY}, keep the current value working. */
    DISCARD;

    /** The name on the wire and in the {@code Coffer-Step} header. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
