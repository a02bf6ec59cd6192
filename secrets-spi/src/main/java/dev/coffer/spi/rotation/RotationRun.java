package dev.coffer.spi.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rotation of one secret, stored durably so that any instance can resume it. Holds version
 * numbers and codes, never a value.
 *
 * @param id {@code rot_} followed by random base32
 * @param tenant the secret's tenant
 * @param secretId the secret rotated
 * @param state the last step done, or how the run ended
 * @param testOnly whether the run creates, applies and tests a value, then discards it instead of promoting
 * @param cancelRequested whether a caller asked to cancel; the engine undoes what the rotator applied and ends it {@code CANCELLED}
 * @param rotator the rotator's name when the run opened
 * @param fromVersion the version {@code current} pointed at when the run opened, or {@code null} if none did
 * @param pendingVersion the PENDING version holding the new value, once created
 * @param attempt how many attempts of this run have failed
 * @param startedBy who opened it: the caller of a rotate-now, or {@code service:coffer:rotation}
 * @param startedAt when it opened
 * @param updatedAt when it last changed
 * @param nextAttemptAt when the engine should next act on it (a retry after backoff, the canary's end); {@code null} once ended
 * @param windowEndsAt after this moment a failed attempt is not retried
 * @param canaryUntil when a canary run may be promoted, or {@code null}
 * @param lastErrorCode the code of the latest failure (the rotator's reason, such as {@code LOGIN_REFUSED}), or {@code null}
 * @param finishedAt when it ended, or {@code null} while open
 * @param retireAt when the old version's overlap ends (finished runs), or {@code null}
 * @param retiredAt when the old version was disabled and retired, or {@code null}
 * @param revision bumped by every change; stores compare-and-set on it
 */
public record RotationRun(
        String id,
        String tenant,
        String secretId,
        RunState state,
        boolean testOnly,
        boolean cancelRequested,
        String rotator,
        Integer fromVersion,
        Integer pendingVersion,
        int attempt,
        String startedBy,
        Instant startedAt,
        Instant updatedAt,
        Instant nextAttemptAt,
        Instant windowEndsAt,
        Instant canaryUntil,
        String lastErrorCode,
        Instant finishedAt,
        Instant retireAt,
        Instant retiredAt,
        long revision) {

    private static final Pattern ID = Pattern.compile("rot_[a-z2-7]{1,60}");
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    public RotationRun {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "rotation run id must look like rot_<base32>");
        }
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(rotator, "rotator");
        Objects.requireNonNull(startedBy, "startedBy");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        if (lastErrorCode != null && !CODE.matcher(lastErrorCode).matches()) {
            throw new IllegalArgumentException("lastErrorCode must match [A-Z][A-Z0-9_]{0,63}");
        }
    }

    /** Whether the run still has steps to do. */
    public boolean isOpen() {
        return state.isOpen();
    }

    /**
     * The step the engine does next: {@code create}, {@code apply}, {@code test}, {@code promote}
     * (after the canary, if any), {@code discard} (a test-only run, or a cancel being carried out),
     * {@code finish}; {@code retire} for a finished run whose retirement is pending; empty for any
     * other ended run.
     */
    public java.util.Optional<String> step() {
        if (cancelRequested && state.isOpen()) {
            return java.util.Optional.of("discard");
        }
        return java.util.Optional.ofNullable(switch (state) {
            case STARTED -> "create";
            case CREATED -> "apply";
            case APPLIED -> "test";
            case TESTED, CANARY -> testOnly ? "discard" : "promote";
            case PROMOTED -> "finish";
            case FINISHED -> retirementPending() ? "retire" : null;
            default -> null;
        });
    }

    /** Whether the old version's retirement is still to do (a finished run inside or past its overlap). */
    public boolean retirementPending() {
        return state == RunState.FINISHED && retireAt != null && retiredAt == null;
    }

    /** A builder holding this run's fields. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A new run, {@code STARTED}, revision 1. */
    public static Builder started(String id, String tenant, String secretId, String rotator, String startedBy, Instant at) {
        return new Builder(new RotationRun(id, tenant, secretId, RunState.STARTED, false, false, rotator, null, null, 0,
                startedBy, at, at, at, at, null, null, null, null, null, 1));
    }

    /** Changes some fields of a run; {@link #build()} bumps nothing, {@link #next(Instant)} bumps the revision. */
    public static final class Builder {
        private String id;
        private String tenant;
        private String secretId;
        private RunState state;
        private boolean testOnly;
        private boolean cancelRequested;
        private String rotator;
        private Integer fromVersion;
        private Integer pendingVersion;
        private int attempt;
        private String startedBy;
        private Instant startedAt;
        private Instant updatedAt;
        private Instant nextAttemptAt;
        private Instant windowEndsAt;
        private Instant canaryUntil;
        private String lastErrorCode;
        private Instant finishedAt;
        private Instant retireAt;
        private Instant retiredAt;
        private long revision;

        private Builder(RotationRun r) {
            id = r.id;
            tenant = r.tenant;
            secretId = r.secretId;
            state = r.state;
            testOnly = r.testOnly;
            cancelRequested = r.cancelRequested;
            rotator = r.rotator;
            fromVersion = r.fromVersion;
            pendingVersion = r.pendingVersion;
            attempt = r.attempt;
            startedBy = r.startedBy;
            startedAt = r.startedAt;
            updatedAt = r.updatedAt;
            nextAttemptAt = r.nextAttemptAt;
            windowEndsAt = r.windowEndsAt;
            canaryUntil = r.canaryUntil;
            lastErrorCode = r.lastErrorCode;
            finishedAt = r.finishedAt;
            retireAt = r.retireAt;
            retiredAt = r.retiredAt;
            revision = r.revision;
        }

        public Builder state(RunState s) { state = s; return this; }
        public Builder testOnly(boolean b) { testOnly = b; return this; }
        public Builder cancelRequested(boolean b) { cancelRequested = b; return this; }
        public Builder fromVersion(Integer v) { fromVersion = v; return this; }
        public Builder pendingVersion(Integer v) { pendingVersion = v; return this; }
        public Builder attempt(int n) { attempt = n; return this; }
        public Builder nextAttemptAt(Instant t) { nextAttemptAt = t; return this; }
        public Builder windowEndsAt(Instant t) { windowEndsAt = t; return this; }
        public Builder canaryUntil(Instant t) { canaryUntil = t; return this; }
        public Builder lastErrorCode(String code) { lastErrorCode = code; return this; }
        public Builder finishedAt(Instant t) { finishedAt = t; return this; }
        public Builder retireAt(Instant t) { retireAt = t; return this; }
        public Builder retiredAt(Instant t) { retiredAt = t; return this; }

        /** The run as changed, same revision (for a new run, or what a store returns). */
        public RotationRun build() {
            return new RotationRun(id, tenant, secretId, state, testOnly, cancelRequested, rotator, fromVersion,
                    pendingVersion, attempt, startedBy, startedAt, updatedAt, nextAttemptAt, windowEndsAt, canaryUntil,
                    lastErrorCode, finishedAt, retireAt, retiredAt, revision);
        }

        /** The run as changed at {@code now}, with the revision after this one: what {@code RotationStore.updateRun} takes. */
        public RotationRun next(Instant now) {
            updatedAt = now;
            revision = revision + 1;
            return build();
        }
    }
}
