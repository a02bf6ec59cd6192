package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One subscription of a {@link ChangeTail}: a cursor, the caller and its scope. Each poll reads the
 * tail's window (or, behind it, the log), keeps the changes of the caller's tenant in scope that
 * the caller may describe now, and moves the cursor past every change it examined.
 */
final class TailSubscription implements ChangeSubscription {
    /** The longest one poll waits. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final Action[] METADATA = {Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN};

    private final ChangeTail tail;
    private final AccessContext ctx;
    private final WatchRequest request;
    private volatile long cursor;
    private volatile boolean closed;
    // Checked once against the log: a cursor ahead of the tail but not of the log is only waited for.
    private boolean aheadChecked;
    /** Whether a resumed subscription's distance to the log's head was checked (once, at its first poll). */
    private boolean resumeChecked;

    TailSubscription(ChangeTail tail, AccessContext ctx, WatchRequest request, long start) {
        this.tail = tail;
        this.ctx = ctx;
        this.request = request;
        this.cursor = start;
    }

    @Override
    public ChangeBatch poll(int max, Duration maxWait) throws InterruptedException {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be 1 to " + MAX_BATCH + ", got " + max);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        if (maxWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("maxWait must be at most " + MAX_WAIT);
        }
        if (closed) {
            throw new IllegalStateException("the subscription is closed");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        if (!resumeChecked) {
            resumeChecked = true;
            // Judged against the log's head, not the tail's progress: a tail still catching up
            // would otherwise hand a too-old resume the changes it holds instead of a reset.
            if (request.after().isPresent()) {
                long head = tail.log.head();
                if (head - cursor > tail.replayLimit || cursor > head) {
                    aheadChecked = true;
                    cursor = head;
                    return ChangeBatch.resetTo(head);
                }
            }
        } else if (fellBeyondTheReplayLimit()) {
            return ChangeBatch.resetTo(cursor);
        }
        Visibility visibility = new Visibility();
        List<SecretChange> out = new ArrayList<>();
        while (!closed) {
            ChangeTail.Read read = tail.read(cursor, AuditLog.MAX_AFTER);
            if (read instanceof ChangeTail.Window window) {
                long before = cursor;
                for (ChangeTail.Entry entry : window.entries()) {
                    if (visibility.sees(entry.tenant(), entry.change())) {
                        out.add(entry.change());
                        if (out.size() == max) {
                            cursor = entry.change().seq();
                            return batch(out);
                        }
                    }
                }
                cursor = window.through();
                if (!out.isEmpty()) {
                    return batch(out);
                }
                if (cursor > before) {
                    continue; // examined only hidden changes; there may be more
                }
            } else if (read instanceof ChangeTail.Behind) {
                Optional<ChangeBatch> replayed = replay(visibility, out, max);
                if (replayed.isPresent()) {
                    return replayed.get();
                }
                continue;
            } else if (!aheadChecked) {
                aheadChecked = true;
                long head = tail.log.head();
                if (cursor > head) {
                    // A Last-Event-ID this log never had (another database, a log restored from backup).
                    cursor = head;
                    return ChangeBatch.resetTo(head);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            if (tail.failing()) {
                throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE,
                        "the audit log cannot be read; the change stream resumes when it can");
            }
            tail.awaitBeyond(cursor, left, () -> closed);
        }
        return new ChangeBatch(List.of(), cursor, false);
    }

    /*
     * Whether more than the replay limit was appended since this subscription's cursor, judged
     * against the log's head (as the resume check is): the tail may not have read those events yet,
     * and the window would then still hand out the old ones. Moves the cursor to the head when so.
     * A head that cannot be read leaves the judgement to the window and the replay.
     */
    private boolean fellBeyondTheReplayLimit() {
        long head;
        try {
            head = tail.log.head();
        } catch (UnavailableException e) {
            return false;
        }
        if (head - cursor <= tail.replayLimit) {
            return false;
        }
        cursor = head;
        return true;
    }

    /**
     * One page of the log after the cursor, for a cursor older than the window; a reset when more
     * than the replay limit is missed. Empty when the page showed nothing visible.
     */
    private Optional<ChangeBatch> replay(Visibility visibility, List<SecretChange> out, int max) {
        long head = tail.log.head();
        if (head - cursor > tail.replayLimit) {
            cursor = head;
            return Optional.of(ChangeBatch.resetTo(head));
        }
        List<AuditEvent> events = tail.log.after(cursor, AuditLog.MAX_AFTER);
        if (events.isEmpty()) {
            // The window is ahead of the log's head: the log lost events it had (restored); start over.
            cursor = head;
            return Optional.of(ChangeBatch.resetTo(head));
        }
        for (AuditEvent event : events) {
            Optional<SecretChange> change = SecretChange.of(event);
            if (change.isPresent() && visibility.sees(event.tenant(), change.get())) {
                out.add(change.get());
                if (out.size() == max) {
                    cursor = event.seq();
                    return Optional.of(batch(out));
                }
            }
        }
        cursor = events.get(events.size() - 1).seq();
        return out.isEmpty() ? Optional.empty() : Optional.of(batch(out));
    }

    private ChangeBatch batch(List<SecretChange> changes) {
        return new ChangeBatch(changes, cursor, false);
    }

    @Override
    public long cursor() {
        return cursor;
    }

    @Override
    public WatchRequest request() {
        return request;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        tail.release(); // also wakes a waiting poll
    }

    @Override
    public String toString() {
        // No principal: a subscription's text may reach logs next to its stream.
        return "ChangeSubscription[environment=" + request.environment() + " prefix=" + request.prefix() + " cursor=" + cursor
                + (closed ? " closed" : "") + "]";
    }

    /** What the caller may see, with the tenant's policies read once per poll, when first needed. */
    private final class Visibility {
        private List<Policy> policies;

        boolean sees(String tenant, SecretChange change) {
            if (!ctx.tenant().equals(tenant) || !request.covers(change)) {
                return false;
            }
            if (change.kind() == ChangeKind.ACCESS_CHANGED) {
                return true;
            }
            if (policies == null) {
                policies = tail.authorizer.policiesOf(ctx);
            }
            SecretPath path;
            try {
                path = SecretPath.of(tenant, change.environment(), change.path());
            } catch (RuntimeException malformed) {
                return false; // an event whose path no secret can have names nothing a caller may see
            }
            return tail.authorizer.anyAllowed(policies, ctx, path, METADATA);
        }
    }
}
