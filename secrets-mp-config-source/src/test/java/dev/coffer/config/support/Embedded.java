package dev.coffer.config.support;

import dev.coffer.config.EmbeddedSecrets;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real in-memory Coffer (kernel, policies, audit) seen by the ConfigSource as the embedded
 * transport, reading as {@code service:app}. The manager handed out counts reads and listings and
 * can simulate an outage ({@code STORE_UNAVAILABLE}) or a hung server; it is a wrapper of the real
 * manager, not a mock.
 */
public final class Embedded implements EmbeddedSecrets {
    public static final String TENANT = "acme";
    public final InMemorySecrets parts = InMemorySecrets.create();
    public final AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));
    public final AccessContext app = AccessContext.of(Principal.of("service:app", TENANT));
    public final AtomicInteger reads = new AtomicInteger();
    public final AtomicInteger lists = new AtomicInteger();
    private volatile boolean outage;
    private volatile CountDownLatch hang;
    private final SecretManager wrapped;

    public Embedded() {
        parts.bootstrap(TENANT,
                Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                Policy.allow("app-read", List.of("service:app"), List.of("secrets:read"), List.of("*")));
        SecretManager real = parts.manager();
        wrapped = (SecretManager) Proxy.newProxyInstance(SecretManager.class.getClassLoader(),
                new Class<?>[] {SecretManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("read")) {
                        reads.incrementAndGet();
                    } else if (method.getName().equals("list")) {
                        lists.incrementAndGet();
                    }
                    CountDownLatch h = hang;
                    if (h != null && method.getDeclaringClass() == SecretManager.class) {
                        h.await(); // a server that accepts the call and never answers
                    }
                    if (outage && method.getDeclaringClass() == SecretManager.class) {
                        throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "simulated outage");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public SecretManager manager() {
        return wrapped;
    }

    @Override
    public AccessContext context() {
        return app;
    }

    /** Makes every call fail with STORE_UNAVAILABLE while {@code true}. */
    public void outage(boolean on) {
        outage = on;
    }

    /** While {@code true}, every call blocks (like a hung server) until this is set back to {@code false}. */
    public void hang(boolean on) {
        if (on) {
            hang = new CountDownLatch(1);
        } else {
            CountDownLatch h = hang;
            hang = null;
            if (h != null) {
                h.countDown();
            }
        }
    }

    /** Creates {@code env/path} with a current version holding {@code value}; returns the id. */
    public String create(String qualified, String value) {
        String id = parts.manager().create(admin, NewSecret.builder(SecretPath.parse(TENANT, qualified), "payments").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            parts.manager().addVersion(admin, id, NewVersion.current(v));
        }
        return id;
    }

    /** Adds a pending version and promotes it: the two-phase rotation. Returns the new version number. */
    public int rotate(String id, String value) {
        SecretVersion added;
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            added = parts.manager().addVersion(admin, id, NewVersion.pending(v));
        }
        parts.manager().promote(admin, id, added.number(), OptionalInt.of(added.number() - 1));
        return added.number();
    }

    public SecretManager real() {
        return parts.manager();
    }
}
