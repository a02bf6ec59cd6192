package dev.coffer.config.cache;

import dev.coffer.config.CofferStats;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one cache; {@link LongAdder}s, so the read path never contends. */
final class Counters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder refreshes = new LongAdder();
    final LongAdder refreshFailures = new LongAdder();
    final LongAdder staleServes = new LongAdder();
    final LongAdder revocations = new LongAdder();
    final LongAdder nextFallbacks = new LongAdder();
    final LongAdder changeEvents = new LongAdder();
    final LongAdder streamReconnects = new LongAdder();

    CofferStats snapshot() {
        return new CofferStats(hits.sum(), misses.sum(), refreshes.sum(), refreshFailures.sum(), staleServes.sum(),
                revocations.sum(), nextFallbacks.sum(), changeEvents.sum(), streamReconnects.sum());
    }
}
