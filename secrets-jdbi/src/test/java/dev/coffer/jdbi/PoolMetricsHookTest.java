package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.memory.InMemoryAuditAnchor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hikari metrics hook: given to both pools, kept by toBuilder, absent unless set. */
class PoolMetricsHookTest {
    @TempDir
    Path dir;

    @Test
    void bothPoolsReportToTheTrackerFactoryTheConfigurationCarries() {
        List<String> pools = new CopyOnWriteArrayList<>();
        MetricsTrackerFactory factory = (poolName, stats) -> {
            pools.add(poolName);
            return new IMetricsTracker() { };
        };
        DatabaseConfig config = DatabaseConfig.h2File(dir).toBuilder().metricsTrackerFactory(factory).build();
        assertEquals(factory, config.toBuilder().poolSize(4).build().metricsTrackerFactory().orElseThrow(), "toBuilder keeps the hook");
        try (CofferDatabase db = CofferDatabase.open(config, AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor()))) {
            assertEquals(List.of("coffer-main", "coffer-keys"), pools);
        }
    }

    @Test
    void withoutAHookNoTrackerIsSet() {
        assertTrue(DatabaseConfig.h2File(dir).metricsTrackerFactory().isEmpty());
    }
}
