package dev.coffer.config.cache;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.CofferStats;
import dev.coffer.config.cache.Entry.Served;
import dev.coffer.config.cache.Entry.State;
import dev.coffer.config.remote.RemoteChangeStream;
import dev.coffer.config.settings.SecretMapping;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The cache behind one or more {@link dev.coffer.config.CofferConfigSource}s with equal settings.
 *
 * <p>Policy:
 * <ul>
 *   <li>A fetched value is fresh for ttl plus a random share of jitter, and refreshed in the
 *       background a little before that (10% of its lifetime, at most 5 s).</li>
 *   <li>Transient refresh errors retry with backoff (250 ms doubling, at most ttl); past freshness
 *       the value is served stale, and {@code max-stale} after freshness ended it is no longer
 *       served (fail open within max-stale, then closed).</li>
 *   <li>An explicit revocation (see {@link Revocation}) drops the value at once. Revoked entries are
 *       still checked every ttl, so a re-enabled version or restored secret comes back.</li>
 *   <li>One daemon thread, {@code coffer-config-refresh}, does every refresh. A second one,
 *       {@code coffer-config-deadlines}, which never waits on the network, moves an entry to stale
 *       when its freshness ends and to expired when max-stale has passed without a successful
 *       refresh, even while a refresh hangs on an unresponsive server. So a read never looks at a
 *       clock: it is one map lookup, one volatile read and one counter increment.</li>
 *   <li>A {@code #next} mapping (a canary instance) whose alias {@code next} is not set is served
 *       {@code current} instead (see {@link #fetch}); each such fetch counts in
 *       {@link CofferStats#nextFallbacks()}, and the switch between {@code next} and the fallback is
 *       logged once each way. Every other error on {@code next}, and a missing alias of any other
 *       name, is handled as above: a disabled {@code next} version is a revocation.</li>
 *   <li>A secret named by reference ({@code ${coffer::...}} expressions, {@link #valueOf}) is
 *       registered as an entry at its first read and follows the same rules; it is no property.</li>
 *   <li>State changes are logged once each (property, path, code and counters; never a value).</li>
 * </ul>
 */
public final class SecretCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");
    private static final long MAX_MARGIN = TimeUnit.SECONDS.toNanos(5);
    private static final long FIRST_BACKOFF = TimeUnit.MILLISECONDS.toNanos(250);

    private final Settings settings;
    private final Fetcher fetcher;
    private final Counters counters = new Counters();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ScheduledThreadPoolExecutor deadlines;
    private final long ttl;
    private final long jitter;
    private final long maxStale;
    private volatile Set<String> names = Set.of();
    private volatile boolean closed;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor listenerThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.NANOSECONDS,
            new LinkedBlockingQueue<>(), daemon("coffer-config-listeners"));
    /** Properties whose change is not told yet; guarded by itself. At most one name per entry: bounded. */
    private final Set<String> pendingChanges = new LinkedHashSet<>();

    private SecretCache(Settings settings, Fetcher fetcher) {
        this.settings = settings;
        this.fetcher = fetcher;
        this.ttl = settings.ttl().toNanos();
        this.jitter = settings.jitter().toNanos();
        this.maxStale = saturatedNanos(settings.maxStale());
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("coffer-config-refresh"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemon("coffer-config-deadlines"));
        deadlines.setRemoveOnCancelPolicy(true);
        deadlines.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        for (SecretMapping m : settings.mappings().values()) {
            entries.put(m.property(), new Entry(m.property(), m, false));
        }
        names = Collections.unmodifiableSet(new LinkedHashSet<>(entries.keySet()));
    }

    /**
     * Creates the cache and fetches every mapped property (and the prefix listing) in parallel,
     * retrying transient errors with backoff until {@code coffer.startup.timeout}.
     *
     * @throws CofferConfigException naming each property and path that could not be fetched
     */
    public static SecretCache start(Settings settings, Fetcher fetcher) {
        SecretCache cache = new SecretCache(settings, fetcher);
        try {
            cache.startup();
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        LOG.info(() -> "Coffer ConfigSource serves " + cache.settings.mappings().size() + " mapped and "
                + cache.prefixCount() + " prefix properties from " + fetcher.describe() + " (ttl " + settings.ttl()
                + " + up to " + settings.jitter() + ", max-stale " + settings.maxStale() + ")");
        if (settings.watch()) {
            cache.startWatching();
        }
        return cache;
    }

    /**
     * The value of {@code property}, or {@code null} for a name this cache does not know (answered
     * locally, no call).
     *
     * @throws CofferConfigException when the property is revoked, expired past max-stale, or (for a
     *     prefix name read for the first time) cannot be fetched
     */
    public String value(String property) {
        Entry e = entries.get(property);
        if (e == null || e.reference) {
            return null;
        }
        Served s = e.served;
        if (s.state() == State.FRESH) {
            counters.hits.increment();
            return s.value();
        }
        return slowPath(e, s);
    }

    // ---- on-demand references (${coffer::...} expressions; helper F) ----

    /** How many distinct references one cache registers at most: the expressions of a configuration are few. */
    public static final int MAX_REFERENCES = 1024;
    /** Keys of reference entries: no property of {@link #names()} and never answered by {@link #value}. */
    private static final String REFERENCE_KEY = "${coffer::";

    private int referenceCount; // guarded by this

    /**
     * The value of a secret named by reference rather than by a mapped property (a
     * {@code ${coffer::prod/payments/db-password}} expression). The first call registers an entry
     * for it and fetches it; from then on it is an entry like any mapped property: refreshed in the
     * background, served stale within max-stale, dropped at once on a revocation. It is not a
     * property: {@link #names()} and {@link #value(String)} do not know it.
     *
     * <pre>{@code
     * String password = cache.valueOf(SecretMapping.reference("db", "expression", "prod/payments/db-password"));
     * }</pre>
     *
     * @throws CofferConfigException naming the reference and its path (never a value) when it is
     *     revoked, expired, cannot be fetched, or when {@link #MAX_REFERENCES} distinct references
     *     are registered already
     */
    public String valueOf(SecretMapping reference) {
        String key = REFERENCE_KEY + reference.target() + "}";
        Entry e = entries.get(key);
        if (e == null) {
            e = registerReference(key, reference);
        }
        Served s = e.served;
        if (s.state() == State.FRESH) {
            counters.hits.increment();
            return s.value();
        }
        return slowPath(e, s);
    }

    private synchronized Entry registerReference(String key, SecretMapping reference) {
        Entry existing = entries.get(key);
        if (existing != null) {
            return existing;
        }
        if (referenceCount >= MAX_REFERENCES) {
            throw new CofferConfigException(ErrorCode.INVALID_ARGUMENT, "secret reference ${coffer::" + reference.target()
                    + "} is refused: this cache holds " + MAX_REFERENCES + " distinct references already");
        }
        Entry e = new Entry(key, new SecretMapping(key, reference.environment(), reference.path(), reference.selector()),
                false, true);
        entries.put(key, e);
        referenceCount++;
        return e;
    }

    /** Every property name this cache serves; reads no value. */
    public Set<String> names() {
        return names;
    }

    /** The counters now. */
    public CofferStats stats() {
        return counters.snapshot();
    }

    /** Stops the refresh thread; reads keep answering from what is cached. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        deadlines.shutdownNow();
        listenerThread.shutdownNow();
        stopWatching();
        fetcher.close();
    }

    private String slowPath(Entry e, Served s) {
        switch (s.state()) {
            case STALE:
                counters.staleServes.increment();
                return s.value();
            case UNLOADED:
                return loadLazily(e);
            case EXPIRED:
                throw new CofferConfigException(s.code(), e.describe() + " is not served: refreshes have failed ("
                        + s.code() + ") for longer than " + Settings.MAX_STALE + "=" + settings.maxStale()
                        + " past its freshness");
            case REVOKED:
                throw new CofferConfigException(s.code(), e.describe() + " is revoked (" + s.code()
                        + "): the secret, its version or the access to it was withdrawn; its value is no longer served");
            default:
                counters.hits.increment();
                return s.value();
        }
    }

    private String loadLazily(Entry e) {
        synchronized (e) {
            if (e.served.state() != State.UNLOADED) {
                Served s = e.served; // loaded meanwhile (by another reader); not value(): a reference is no property
                if (s.state() == State.FRESH) {
                    counters.hits.increment();
                    return s.value();
                }
                return slowPath(e, s);
            }
            try {
                Fetched f = fetch(e);
                counters.misses.increment();
                succeeded(e, f);
                return f.value();
            } catch (RuntimeException ex) {
                if (Revocation.is(ex)) {
                    revoked(e, ex);
                    return slowPath(e, e.served);
                }
                throw new CofferConfigException(Revocation.codeOf(ex), e.describe() + " cannot be fetched: " + reason(ex));
            }
        }
    }

    // ---- listeners (helper D) ----

    /**
     * Told that what {@link SecretCache#value(String)} returns for a property has changed: a new
     * value, a value no longer served (revoked, expired past max-stale), served again after that,
     * or a prefix name that appeared or went away. Not told when a refresh brings the same value
     * back, nor when a value merely turns stale (it is still served, unchanged).
     *
     * <p>Calls come on one daemon thread of the cache, {@code coffer-config-listeners}, one at a
     * time, after the entry's state changed; so a listener reads the new state with
     * {@code value(property)} (which may be newer still). Changes told while the listener is busy
     * are coalesced per property: a call means "look again", not one call per transition. A slow
     * listener delays other listeners, never a refresh or a read. An exception thrown by a
     * listener is logged (its type only) and the next change is told as usual.
     *
     * <pre>{@code
     * cache.addListener(property -> {
     *     if (property.equals("db.password")) {
     *         reconnect(); // reads cache.value("db.password") again; it may throw when revoked
     *     }
     * });
     * }</pre>
     */
    @FunctionalInterface
    public interface Listener {
        /** {@code property}'s served value or state changed; never passed the value. */
        void changed(String property);
    }

    /**
     * Registers {@code listener} for every later change (see {@link Listener}); changes before the
     * call are not replayed, so read the values you start from after registering.
     */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops telling {@code listener}; a call in progress completes. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Tells listeners about {@code e} if what a read returns differs from {@code before}. Under the entry's lock. */
    private void tellIfChanged(Entry e, Served before) {
        Served after = e.served;
        // From UNLOADED: a first load (startup, or a reader's lazy load) changes no answer of value().
        // A ${coffer::} reference is no property (value() does not answer for it): listeners are not told.
        if (!e.reference && before.state() != State.UNLOADED && readsDiffer(before, after)) {
            tell(e.property);
        }
    }

    /** Whether a read sees a different outcome: a different value, served or not, or another error code. */
    private static boolean readsDiffer(Served a, Served b) {
        boolean aServed = a.state() == State.FRESH || a.state() == State.STALE;
        boolean bServed = b.state() == State.FRESH || b.state() == State.STALE;
        if (aServed != bServed) {
            return true;
        }
        if (aServed) {
            return !Objects.equals(a.value(), b.value());
        }
        return a.state() != b.state() || a.code() != b.code();
    }

    private void tell(String property) {
        if (closed || listeners.isEmpty()) {
            return;
        }
        boolean start;
        synchronized (pendingChanges) {
            start = pendingChanges.isEmpty();
            pendingChanges.add(property);
        }
        if (start) {
            try {
                listenerThread.execute(this::drainChanges);
            } catch (RejectedExecutionException ignored) {
                // closed meanwhile
            }
        }
    }

    /** Tells every pending change; one such task runs (or is queued) while changes are pending. */
    private void drainChanges() {
        while (!closed) {
            String property;
            synchronized (pendingChanges) {
                var it = pendingChanges.iterator();
                if (!it.hasNext()) {
                    return;
                }
                property = it.next();
                it.remove();
            }
            for (Listener l : listeners) {
                try {
                    l.changed(property);
                } catch (RuntimeException ex) {
                    LOG.warning(() -> "Coffer ConfigSource: a cache listener (" + l.getClass().getName()
                            + ") failed on a change of property '" + property + "': " + ex.getClass().getSimpleName());
                }
            }
        }
    }

    // ---- change stream (helper D) ----

    private static final Duration WATCH_POLL = Duration.ofSeconds(5);
    private static final long MAX_WATCH_BACKOFF = TimeUnit.SECONDS.toNanos(30);
    private Thread watcher;
    private volatile ChangeSubscription subscription;
    private volatile ScheduledFuture<?> listingTask;

    /**
     * Starts {@code coffer-config-watch}: it subscribes to the transport's change stream (every
     * change the caller may describe: the cache matches changes to its entries by environment and
     * path, so references and prefix names registered later are covered too) and refreshes an
     * entry as soon as its secret changed, through {@link #refresh} like a TTL refresh, so every
     * rule (stale, revocation, {@code #next} fallback) holds. TTL polling goes on as before: the
     * stream only makes refreshes earlier, and while it is down nothing else changes.
     */
    private void startWatching() {
        watcher = daemon("coffer-config-watch").newThread(this::watchLoop);
        watcher.start();
    }

    private void stopWatching() {
        ChangeSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }

    private void watchLoop() {
        long after = -1; // the cursor to resume after; -1 before the first stream opened
        int failures = 0;
        try {
            while (!closed) {
                ChangeSubscription s;
                try {
                    WatchRequest request = after < 0 ? WatchRequest.of(null, null) : WatchRequest.of(null, null).resumingAfter(after);
                    Optional<ChangeSubscription> opened = fetcher.watch(request);
                    if (opened.isEmpty()) {
                        return; // this transport has no change stream: TTL only
                    }
                    s = opened.get();
                } catch (UnsupportedOperationException e) {
                    LOG.info(() -> "Coffer ConfigSource: " + fetcher.describe() + " has no change stream; TTL polling only");
                    return;
                } catch (RuntimeException e) {
                    failures++;
                    if (failures == 1) {
                        LOG.info(() -> "Coffer ConfigSource: the change stream of " + fetcher.describe() + " cannot be opened ("
                                + Revocation.codeOf(e) + "); TTL polling goes on, retrying the stream with backoff");
                    }
                    long pause = Math.min(FIRST_BACKOFF << Math.min(failures + 2, 20), MAX_WATCH_BACKOFF);
                    TimeUnit.NANOSECONDS.sleep(pause - ThreadLocalRandom.current().nextLong(pause / 4 + 1));
                    continue;
                }
                if (after >= 0 || failures > 0) {
                    counters.streamReconnects.increment();
                }
                if (failures > 0) {
                    LOG.info(() -> "Coffer ConfigSource: the change stream of " + fetcher.describe() + " is open " + counterText());
                }
                failures = 0;
                subscription = s;
                if (closed) {
                    s.close();
                    return;
                }
                if (after < 0) {
                    refreshAll(); // what changed between the first fetch and the stream being live
                }
                after = follow(s, after);
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            ChangeSubscription s = subscription;
            if (s != null) {
                s.close();
            }
        }
    }

    /** Polls {@code s} until it ends; returns the cursor to resume after. */
    private long follow(ChangeSubscription s, long after) throws InterruptedException {
        long reconnectsSeen = 0;
        try {
            while (!closed) {
                ChangeBatch batch;
                try {
                    batch = s.poll(ChangeSubscription.MAX_BATCH, WATCH_POLL);
                } catch (UnavailableException | AccessDeniedException e) {
                    // The stream is retrying (remote) or the log is briefly unreadable (embedded): TTL meanwhile.
                    LOG.fine(() -> "Coffer ConfigSource: the change stream reports " + e.code() + "; TTL polling goes on");
                    TimeUnit.SECONDS.sleep(1);
                    continue;
                }
                after = Math.max(after, batch.cursor());
                if (s instanceof RemoteChangeStream r) {
                    long n = r.reconnects();
                    counters.streamReconnects.add(n - reconnectsSeen);
                    reconnectsSeen = n;
                }
                if (batch.reset()) {
                    counters.changeEvents.increment();
                    LOG.info(() -> "Coffer ConfigSource: the change stream could not replay what was missed; refreshing everything");
                    refreshAll();
                    continue;
                }
                Set<Entry> due = new LinkedHashSet<>();
                boolean all = false;
                boolean relist = false;
                for (SecretChange c : batch.changes()) {
                    counters.changeEvents.increment();
                    if (c.kind() == ChangeKind.ACCESS_CHANGED) {
                        all = true;
                    } else {
                        relist |= settings.prefix() != null && c.environment().equals(settings.environment())
                                && (c.kind() == ChangeKind.SECRET_CREATED || c.kind() == ChangeKind.PURGED
                                        || c.kind() == ChangeKind.DELETION_SCHEDULED || c.kind() == ChangeKind.RESTORED);
                        for (Entry e : entries.values()) {
                            if (c.environment().equals(e.mapping.environment()) && c.path().equals(e.mapping.path())) {
                                due.add(e);
                            }
                        }
                    }
                }
                if (all) {
                    refreshAll();
                } else {
                    due.forEach(this::refreshNow);
                }
                if (relist) {
                    relistNow(); // a prefix name may have come or gone
                }
            }
        } catch (RuntimeException e) {
            // Ended (closed, or refused for good): opened again, resuming after the cursor.
            LOG.fine(() -> "Coffer ConfigSource: the change stream ended (" + Revocation.codeOf(e) + "); opening it again");
            TimeUnit.NANOSECONDS.sleep(FIRST_BACKOFF * 4);
        } finally {
            s.close();
            subscription = null;
        }
        return after;
    }

    private void relistNow() {
        try {
            scheduler.execute(this::relist);
        } catch (RejectedExecutionException ignored) {
            // closed meanwhile
        }
    }

    /** Refreshes every loaded entry (and the prefix listing) now: a reset, an access change, or the stream just opened. */
    private void refreshAll() {
        for (Entry e : entries.values()) {
            if (e.served.state() != State.UNLOADED) {
                refreshNow(e);
            }
        }
        if (settings.prefix() != null) {
            relistNow();
        }
    }

    /**
     * Refreshes {@code e} at once on the refresh thread, which runs one refresh at a time: the
     * planned refresh is replaced (see {@link #schedule}), so there is still one chain per entry.
     */
    private void refreshNow(Entry e) {
        try {
            scheduler.execute(() -> refresh(e));
        } catch (RejectedExecutionException ignored) {
            // closed meanwhile
        }
    }

    // ---- refresh side (the scheduler thread) ----

    private void refresh(Entry e) {
        if (closed || e.removed) {
            return;
        }
        Fetched v;
        try {
            v = fetch(e);
        } catch (RuntimeException ex) {
            synchronized (e) {
                failed(e, ex);
            }
            return;
        }
        synchronized (e) {
            counters.refreshes.increment();
            succeeded(e, v);
        }
    }

    /** What one fetch of an entry got, and whether that is {@code current} standing in for an unset {@code next}. */
    private record Fetched(String value, boolean fellBack) {
        @Override
        public String toString() {
            return "Fetched[" + (fellBack ? "current for next" : "as mapped") + ", value redacted]";
        }
    }

    /**
     * The one place every read of a mapped value goes through (startup, lazy load, refresh; either
     * transport). A {@code #next} mapping whose alias is not set reads {@code current} instead: canary
     * instances map {@code #next}, and {@code next} is unset before any rotation and again once a
     * rotation promotes, so failing closed there would break every canary instance at every
     * promotion. Only {@code ALIAS_NOT_FOUND} falls back, and the kernel answers it only after it has
     * authorized the read and found the secret live (not deleted, not pending deletion), so a
     * revocation is never hidden: a disabled or destroyed {@code next} version is
     * {@code VERSION_DISABLED}/{@code VERSION_DESTROYED} and fails closed. The fallback read's own
     * errors are handled like any read of {@code current}.
     */
    private Fetched fetch(Entry e) {
        try {
            return new Fetched(fetcher.read(e.mapping), false);
        } catch (SecretsException ex) {
            if (ex.code() != ErrorCode.ALIAS_NOT_FOUND || !e.mapping.fallsBackToCurrent()) {
                throw ex;
            }
        }
        String current = fetcher.read(e.mapping.atCurrent());
        counters.nextFallbacks.increment();
        return new Fetched(current, true);
    }

    /** Called under the entry's lock (or before it is published). */
    private void succeeded(Entry e, Fetched fetched) {
        Boolean wasFallingBack = e.fallingBack;
        e.fallingBack = fetched.fellBack();
        if (e.mapping.fallsBackToCurrent() && !Boolean.valueOf(fetched.fellBack()).equals(wasFallingBack)) {
            LOG.info(() -> "Coffer ConfigSource: " + e.describe() + (fetched.fellBack()
                    ? " is served alias current: alias next is not set (no rotation is in its canary period)"
                    : wasFallingBack == null ? " is served alias next" : " is served alias next again: a rotation is in its canary period")
                    + " " + counterText());
        }
        String v = fetched.value();
        Served was = e.served;
        State before = was.state();
        long now = System.nanoTime();
        long life = ttl + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
        e.staleAtNanos = now + life;
        e.expiredAtNanos = saturatedAdd(e.staleAtNanos, maxStale);
        e.failures = 0;
        long generation = ++e.generation;
        e.served = new Served(v, State.FRESH, null);
        if (before == State.STALE || before == State.EXPIRED || before == State.REVOKED) {
            LOG.info(() -> "Coffer ConfigSource: " + e.describe() + " recovered from " + before
                    + " and is fresh again " + counterText());
        }
        schedule(e, life - Math.min(life / 10, MAX_MARGIN));
        cancel(e.staleDeadline);
        cancel(e.expiryDeadline);
        e.staleDeadline = deadline(e, generation, State.STALE, life);
        e.expiryDeadline = maxStale < Long.MAX_VALUE / 8 ? deadline(e, generation, State.EXPIRED, saturatedAdd(life, maxStale)) : null;
        tellIfChanged(e, was);
    }

    /**
     * At {@code delayNanos} from now, unless a later fetch has succeeded meanwhile, moves the entry
     * to {@code target}: a refresh still in flight (a hung server) must not keep a value fresh, or
     * served past max-stale. Stale and expired entries record {@code STORE_UNAVAILABLE}.
     */
    private ScheduledFuture<?> deadline(Entry e, long generation, State target, long delayNanos) {
        if (closed) {
            return null;
        }
        try {
            return deadlines.schedule(() -> {
                synchronized (e) {
                    Served s = e.served;
                    if (closed || e.removed || e.generation != generation) {
                        return;
                    }
                    if (target == State.STALE && s.state() == State.FRESH) {
                        e.served = new Served(s.value(), State.STALE, ErrorCode.STORE_UNAVAILABLE);
                        LOG.warning(() -> "Coffer ConfigSource: " + e.describe() + " is served stale: no refresh has succeeded"
                                + " since its freshness ended; served up to " + settings.maxStale() + " more " + counterText());
                    } else if (target == State.EXPIRED && (s.state() == State.FRESH || s.state() == State.STALE)) {
                        ErrorCode code = s.code() != null ? s.code() : ErrorCode.STORE_UNAVAILABLE;
                        e.served = new Served(null, State.EXPIRED, code);
                        LOG.severe(() -> "Coffer ConfigSource: " + e.describe() + " expired: no refresh succeeded (" + code
                                + ") within " + Settings.MAX_STALE + "=" + settings.maxStale() + " past freshness; reads fail "
                                + counterText());
                        tellIfChanged(e, s);
                    }
                }
            }, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException ignored) {
            return null; // closed meanwhile
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void revoked(Entry e, RuntimeException ex) {
        ErrorCode code = Revocation.codeOf(ex);
        e.fallingBack = null; // a recovery logs which alias it serves
        Served was = e.served;
        if (e.served.state() != State.REVOKED) {
            e.served = new Served(null, State.REVOKED, code);
            counters.revocations.increment();
            LOG.warning(() -> "Coffer ConfigSource: " + e.describe() + " is revoked (" + code
                    + "); its value is dropped and reads fail " + counterText());
        }
        tellIfChanged(e, was);
        schedule(e, ttl);
    }

    private void failed(Entry e, RuntimeException ex) {
        if (Revocation.is(ex)) {
            revoked(e, ex);
            return;
        }
        ErrorCode code = Revocation.codeOf(ex);
        counters.refreshFailures.increment();
        e.failures++;
        Served s = e.served;
        long now = System.nanoTime();
        long delay = backoff(e.failures);
        if (s.state() == State.REVOKED || s.state() == State.UNLOADED) {
            schedule(e, Math.max(delay, ttl));
            return;
        }
        if (now - e.expiredAtNanos >= 0) {
            if (s.state() != State.EXPIRED) {
                e.served = new Served(null, State.EXPIRED, code);
                tellIfChanged(e, s);
                LOG.severe(() -> "Coffer ConfigSource: " + e.describe() + " expired: refreshes failed (" + code
                        + ") for " + Settings.MAX_STALE + "=" + settings.maxStale() + " past freshness; reads fail "
                        + counterText());
            }
        } else if (now - e.staleAtNanos >= 0) {
            if (s.state() != State.STALE) {
                e.served = new Served(s.value(), State.STALE, code);
                LOG.warning(() -> "Coffer ConfigSource: " + e.describe() + " is served stale: refresh failed (" + code
                        + ": " + reason(ex) + "); served up to " + settings.maxStale() + " more " + counterText());
            }
            delay = Math.min(delay, e.expiredAtNanos - now + 1_000_000);
        } else {
            if (e.failures == 1) {
                LOG.fine(() -> "Coffer ConfigSource: refresh of " + e.describe() + " failed (" + code + "), retrying");
            }
            delay = Math.min(delay, e.staleAtNanos - now + 1_000_000);
        }
        schedule(e, delay);
    }

    private long backoff(int failures) {
        long base = FIRST_BACKOFF << Math.min(failures - 1, 20);
        long capped = Math.max(Math.min(base, ttl), TimeUnit.MILLISECONDS.toNanos(10));
        return capped - ThreadLocalRandom.current().nextLong(capped / 4 + 1);
    }

    private void schedule(Entry e, long delayNanos) {
        if (closed || e.removed) {
            return;
        }
        try {
            // One pending refresh per entry: an early refresh (a change event) replaces the planned one.
            cancel(e.task);
            e.task = scheduler.schedule(() -> refresh(e), Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException ignored) {
            // closed meanwhile
        }
    }

    // ---- prefix listing ----

    private int prefixCount() {
        return (int) entries.values().stream().filter(x -> x.fromPrefix).count();
    }

    private void relist() {
        if (closed) {
            return;
        }
        try {
            applyListing(fetcher.list(settings.environment()));
            counters.refreshes.increment();
            scheduleListing(ttl);
        } catch (RuntimeException ex) {
            counters.refreshFailures.increment();
            LOG.fine(() -> "Coffer ConfigSource: listing " + settings.environment() + " for " + Settings.PREFIX
                    + " failed (" + Revocation.codeOf(ex) + "); the previous listing stays");
            scheduleListing(Math.min(ttl, TimeUnit.SECONDS.toNanos(5)));
        }
    }

    private void scheduleListing(long delay) {
        try {
            if (!closed) {
                cancel(listingTask); // one planned listing: an early one (a change event) replaces it
                listingTask = scheduler.schedule(this::relist, delay, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException ignored) {
            // closed meanwhile
        }
    }

    /** Names are {@code prefix + path with / replaced by .}; a listing, never string reversal, maps them back. */
    private synchronized void applyListing(List<String> paths) {
        Map<String, String> byName = new TreeMap<>();
        for (String path : new java.util.TreeSet<>(paths)) {
            String name = settings.prefix() + path.replace('/', '.');
            String other = byName.putIfAbsent(name, path);
            if (other != null) {
                LOG.warning(() -> "Coffer ConfigSource: " + settings.environment() + "/" + path + " and "
                        + settings.environment() + "/" + other + " both become property '" + name + "'; serving the latter");
            }
        }
        byName.forEach((name, path) -> {
            Entry existing = entries.get(name);
            if (existing == null) {
                SecretMapping m = new SecretMapping(name, settings.environment(), path, VersionSelector.current());
                entries.put(name, new Entry(name, m, true));
                tell(name); // value(name) no longer answers null
            }
        });
        for (Entry e : new ArrayList<>(entries.values())) {
            if (e.fromPrefix && !byName.containsKey(e.property)) {
                e.removed = true;
                if (e.task != null) {
                    e.task.cancel(false);
                }
                entries.remove(e.property, e);
                tell(e.property); // value(name) answers null now
            }
        }
        names = Collections.unmodifiableSet(new LinkedHashSet<>(entries.keySet()));
    }

    // ---- startup ----

    private void startup() {
        long deadline = System.nanoTime() + saturatedNanos(settings.startupTimeout());
        List<Entry> required = new ArrayList<>(entries.values());
        int tasks = required.size() + (settings.prefix() != null ? 1 : 0);
        if (tasks == 0) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(tasks, 4), daemon("coffer-config-startup"));
        List<String> failures = new ArrayList<>();
        ErrorCode first = null;
        try {
            List<Future<RuntimeException>> results = new ArrayList<>();
            List<String> what = new ArrayList<>();
            for (Entry e : required) {
                results.add(pool.submit(() -> withRetries(deadline, () -> {
                    Fetched v = fetch(e);
                    synchronized (e) {
                        counters.misses.increment();
                        succeeded(e, v);
                    }
                })));
                what.add(e.describe());
            }
            if (settings.prefix() != null) {
                results.add(pool.submit(() -> withRetries(deadline, () -> applyListing(fetcher.list(settings.environment())))));
                what.add(Settings.PREFIX + " '" + settings.prefix() + "' (listing of environment " + settings.environment() + ")");
            }
            for (int i = 0; i < results.size(); i++) {
                RuntimeException ex = results.get(i).get();
                if (ex != null) {
                    failures.add(what.get(i) + ": " + Revocation.codeOf(ex) + " " + reason(ex));
                    first = first == null ? Revocation.codeOf(ex) : first;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CofferConfigException(ErrorCode.STORE_UNAVAILABLE, "interrupted while fetching the required secrets");
        } catch (ExecutionException e) {
            throw new CofferConfigException(ErrorCode.STORE_UNAVAILABLE, "fetching the required secrets failed: "
                    + e.getCause().getClass().getSimpleName());
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            throw new CofferConfigException(first, "Coffer ConfigSource cannot start: " + failures.size()
                    + " required secret(s) could not be fetched from " + fetcher.describe() + " within "
                    + Settings.STARTUP_TIMEOUT + "=" + settings.startupTimeout() + ": " + String.join("; ", failures));
        }
        if (settings.prefix() != null) {
            scheduleListing(ttl);
        }
    }

    /** Runs {@code attempt} until it succeeds, fails definitively, or the deadline passes; returns the last error. */
    private RuntimeException withRetries(long deadline, Runnable attempt) throws InterruptedException {
        for (int n = 1; ; n++) {
            try {
                attempt.run();
                return null;
            } catch (RuntimeException ex) {
                long pause = Math.min(FIRST_BACKOFF << Math.min(n - 1, 20), TimeUnit.SECONDS.toNanos(5));
                pause -= ThreadLocalRandom.current().nextLong(pause / 2 + 1);
                if (Revocation.definitive(ex) || System.nanoTime() + pause - deadline > 0 || closed) {
                    return ex;
                }
                TimeUnit.NANOSECONDS.sleep(pause);
            }
        }
    }

    // ---- helpers ----

    /** A reason fit for a log or a message: SPI messages name paths and codes only; anything else by its type. */
    private static String reason(RuntimeException ex) {
        return ex instanceof SecretsException ? "(" + ex.getMessage() + ")" : "(" + ex.getClass().getSimpleName() + ")";
    }

    private String counterText() {
        return "[" + counters.snapshot() + "]";
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE / 2 : r;
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setContextClassLoader(null); // hold no application class loader (redeploys)
            return t;
        };
    }
}
