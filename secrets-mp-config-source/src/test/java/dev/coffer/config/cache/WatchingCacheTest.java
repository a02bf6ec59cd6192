package dev.coffer.config.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.cache.NextFallbackTest.AliasTable;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cache on a change stream: with a TTL of an hour, only the stream can explain a refresh. The
 * transport is a table of aliases (as in {@link NextFallbackTest}) with a change stream the test
 * feeds; the SSE client itself is {@code RemoteChangeStreamTest}.
 */
@ExtendWith(NoValueLeaks.class)
class WatchingCacheTest {
    private final StreamingTable table = new StreamingTable();
    private SecretCache cache;

    /** An alias table whose change stream the test writes to. */
    static final class StreamingTable extends AliasTable {
        final BlockingQueue<SecretChange> stream = new LinkedBlockingQueue<>();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicLong seq = new AtomicLong(100);
        volatile boolean down;
        volatile Runnable onOpen = () -> {};
        final List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public List<String> list(String environment) {
            return List.copyOf(paths);
        }

        @Override
        public Optional<ChangeSubscription> watch(WatchRequest request) {
            if (down) {
                throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "the stream is down");
            }
            opened.incrementAndGet();
            onOpen.run();
            return Optional.of(new ChangeSubscription() {
                volatile boolean closed;
                long cursor = seq.get();

                @Override
                public ChangeBatch poll(int max, Duration maxWait) throws InterruptedException {
                    if (closed) {
                        throw new IllegalStateException("closed");
                    }
                    SecretChange c = stream.poll(maxWait.toMillis(), TimeUnit.MILLISECONDS);
                    if (c == null) {
                        return new ChangeBatch(List.of(), cursor, false);
                    }
                    List<SecretChange> all = new ArrayList<>(List.of(c));
                    stream.drainTo(all, max - 1);
                    cursor = all.get(all.size() - 1).seq();
                    return new ChangeBatch(all, cursor, false);
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
            });
        }

        void publish(ChangeKind kind, String environment, String path) {
            String alias = kind == ChangeKind.ALIAS_MOVED ? "current" : null;
            stream.add(new SecretChange(seq.incrementAndGet(), kind, environment, path, null, alias, Instant.now()));
        }
    }

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private void start(Duration ttl, boolean watch) {
        cache = SecretCache.start(Settings.builder().url(Settings.EMBEDDED)
                .ttl(ttl).jitter(Duration.ZERO).maxStale(Duration.ofMinutes(10)).watch(watch)
                .startupTimeout(Duration.ofMillis(500)).map("db", "prod/db#current").map("api", "prod/api#current").build(), table);
    }

    @Test
    void aChangeOfAMappedSecretIsServedLongBeforeTheTtl() {
        table.values.put("current", TestValues.text());
        start(Duration.ofHours(1), true);
        Await.until("the stream is open", () -> table.opened.get() == 1);
        String rotated = TestValues.text();
        table.values.put("current", rotated);
        table.publish(ChangeKind.ALIAS_MOVED, "prod", "db");
        Await.until("the new value is served", () -> rotated.equals(cache.value("db")));
        assertEquals(1, cache.stats().changeEvents());
    }

    @Test
    void aRevocationEventStopsServingAtOnce() {
        table.values.put("current", TestValues.text());
        start(Duration.ofHours(1), true);
        Await.until("the stream is open", () -> table.opened.get() == 1);
        table.disabled.add("current");
        table.publish(ChangeKind.VERSION_DISABLED, "prod", "db");
        Await.until("the value is no longer served", () -> Await.throwsNow(() -> cache.value("db")));
        assertEquals(ErrorCode.VERSION_DISABLED, assertThrows(CofferConfigException.class, () -> cache.value("db")).code());
    }

    @Test
    void aChangeOfAnotherSecretRefreshesNothingButAnAccessChangeRefreshesEverything() throws Exception {
        table.values.put("current", TestValues.text());
        start(Duration.ofHours(1), true);
        Await.until("the stream is open and the first refresh done", () -> table.opened.get() == 1 && cache.stats().refreshes() == 2);
        table.publish(ChangeKind.VERSION_ADDED, "prod", "other");
        table.publish(ChangeKind.VERSION_ADDED, "dev", "db");
        Await.until("both events are taken", () -> cache.stats().changeEvents() == 2);
        table.publish(ChangeKind.ACCESS_CHANGED, null, null);
        Await.until("every entry is refreshed", () -> cache.stats().refreshes() == 4);
        assertEquals(3, cache.stats().changeEvents());
    }

    @Test
    void aChangeBetweenTheFirstFetchAndTheStreamOpeningIsNotMissed() {
        table.values.put("current", TestValues.text());
        String meanwhile = TestValues.text();
        table.onOpen = () -> table.values.put("current", meanwhile); // no event: it happened before the stream
        start(Duration.ofHours(1), true);
        Await.until("the value made meanwhile is served", () -> meanwhile.equals(cache.value("db")));
    }

    @Test
    void withTheStreamDownTtlPollingGoesOnAsBefore() {
        table.down = true;
        table.values.put("current", TestValues.text());
        start(Duration.ofMillis(100), true);
        String rotated = TestValues.text();
        table.values.put("current", rotated);
        Await.until("the TTL refresh serves the new value", () -> rotated.equals(cache.value("db")));
        table.down = false;
        Await.until("the stream opens once it is back", () -> table.opened.get() == 1);
        Await.until("the opening after failures is counted as a reconnect", () -> cache.stats().streamReconnects() == 1);
    }

    @Test
    void aSecretCreatedUnderThePrefixBecomesAPropertyLongBeforeTheTtl() {
        table.values.put("current", TestValues.text());
        table.paths.add("db");
        cache = SecretCache.start(Settings.builder().url(Settings.EMBEDDED).environment("prod").prefix("app.")
                .ttl(Duration.ofHours(1)).jitter(Duration.ZERO).startupTimeout(Duration.ofMillis(500)).build(), table);
        assertEquals(java.util.Set.of("app.db"), cache.names());
        Await.until("the stream is open", () -> table.opened.get() == 1);
        table.paths.add("payments/api");
        table.publish(ChangeKind.SECRET_CREATED, "prod", "payments/api");
        Await.until("the new name is listed", () -> cache.names().contains("app.payments.api"));
    }

    @Test
    void cofferWatchFalseNeverOpensTheStream() throws Exception {
        table.values.put("current", TestValues.text());
        start(Duration.ofMillis(100), false);
        Await.until("a few TTL refreshes", () -> cache.stats().refreshes() >= 6);
        assertEquals(0, table.opened.get());
    }
}
