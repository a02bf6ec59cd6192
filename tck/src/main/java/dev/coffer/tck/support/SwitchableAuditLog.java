package dev.coffer.tck.support;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.ManagerFixture;

/**
 * An {@link AuditLog} decorator whose appends can be made to fail, or to succeed with their reply
 * lost, for fail-closed and relay tests: wrap the real log with it and hand it to the kernel.
 */
public final class SwitchableAuditLog implements AuditLog, ManagerFixture.AuditOutage {
    private final AuditLog delegate;
    /** The code appends fail with, or {@code null} while they go through. */
    private volatile ErrorCode failingWith;
    private volatile boolean losingReplies;
    private volatile boolean crashing;

    public SwitchableAuditLog(AuditLog delegate) {
        this.delegate = delegate;
    }

    @Override
    public void failAppends(boolean fail) {
        this.failingWith = fail ? ErrorCode.AUDIT_UNAVAILABLE : null;
        if (!fail) {
            losingReplies = false;
            crashing = false;
        }
    }

    @Override
    public boolean canLoseReplies() {
        return true;
    }

    @Override
    public void loseReplies(boolean losing) {
        this.losingReplies = losing;
    }

    @Override
    public void failAppendsAsStorageOutage(boolean fail) {
        this.failingWith = fail ? ErrorCode.STORE_UNAVAILABLE : null;
    }

    @Override
    public void failAppendsUnexpectedly(boolean fail) {
        this.crashing = fail;
    }

    @Override
    public AuditEvent append(AuditEvent draft) {
        if (crashing) {
            throw new IllegalStateException("audit log crashed (injected by the TCK)");
        }
        ErrorCode code = failingWith;
        if (code != null) {
            throw new UnavailableException(code, "audit log unavailable (injected by the TCK)");
        }
        AuditEvent appended = delegate.append(draft);
        if (losingReplies) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "audit append reply lost (injected by the TCK)");
        }
        return appended;
    }

    @Override
    public Page<AuditEvent> query(AuditQuery query, PageRequest page) {
        return delegate.query(query, page);
    }

    @Override
    public AuditVerification verify(String tenant) {
        return delegate.verify(tenant);
    }

    @Override
    public void checkpoint() {
        delegate.checkpoint();
    }

    @Override
    public java.util.List<AuditEvent> after(long afterSeq, int limit) {
        return delegate.after(afterSeq, limit);
    }

    @Override
    public long head() {
        return delegate.head();
    }

    @Override
    public boolean awaitAppend(long afterSeq, java.time.Duration timeout) throws InterruptedException {
        return delegate.awaitAppend(afterSeq, timeout);
    }
}
