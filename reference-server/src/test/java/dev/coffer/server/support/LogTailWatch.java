package dev.coffer.server.support;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SecretManager} that is {@code delegate} except for {@code watch}, which it serves from
 * {@code log}'s tail ({@link AuditLog#after}, {@link AuditLog#awaitAppend}) without the kernel's
 * authorization: for tests of the HTTP side of the change stream only (every caller there is an
 * administrator). The kernel's own watch is tested with the kernel.
 */
final class LogTailWatch implements ChangeSubscription {
    private final AuditLog log;
    private final WatchRequest request;
    private final String tenant;
    private volatile long cursor;
    private volatile boolean closed;

    private LogTailWatch(AuditLog log, WatchRequest request, String tenant) {
        this.log = log;
        this.request = request;
        this.tenant = tenant;
        long head = log.head();
        this.cursor = request.after().orElse(head);
    }

    static SecretManager over(SecretManager delegate, AuditLog log) {
        return (SecretManager) Proxy.newProxyInstance(SecretManager.class.getClassLoader(), new Class<?>[] {SecretManager.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("watch")) {
                        AccessContext ctx = (AccessContext) args[0];
                        return new LogTailWatch(log, (WatchRequest) args[1], ctx.tenant());
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public ChangeBatch poll(int max, Duration maxWait) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (cursor > log.head()) {
            cursor = log.head();
            return ChangeBatch.resetTo(cursor);
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            List<AuditEvent> events = log.after(cursor, max);
            if (!events.isEmpty()) {
                List<SecretChange> changes = new ArrayList<>();
                long last = cursor;
                for (AuditEvent event : events) {
                    last = event.seq();
                    if (tenant.equals(event.tenant())) {
                        SecretChange.of(event).filter(request::covers).ifPresent(changes::add);
                    }
                }
                cursor = last;
                return new ChangeBatch(changes, last, false);
            }
            long left = deadline - System.nanoTime();
            if (closed || left <= 0) {
                return new ChangeBatch(List.of(), cursor, false);
            }
            log.awaitAppend(cursor, Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
        }
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
        closed = true;
    }
}
