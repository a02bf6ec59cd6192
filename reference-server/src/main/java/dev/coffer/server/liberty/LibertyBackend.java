package dev.coffer.server.liberty;

import dev.coffer.jdbi.DatabaseConfig;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.metrics.PoolMetrics;
import dev.coffer.server.standalone.CheckpointFile;
import dev.coffer.server.standalone.DataDir;
import dev.coffer.server.standalone.DurableBackend;
import dev.coffer.tink.TinkEnvelope;

/**
 * The durable parts on Liberty, configured through MicroProfile Config: {@code secrets-jdbi}
 * (H2 file in the data directory unless a JDBC URL is set) and the {@code secrets-tink} envelope.
 * The audit checkpoints always go to the data directory.
 */
final class LibertyBackend {
    private LibertyBackend() {}

    /** Opens (and migrates) the database, its pools measured into {@code metrics}, and opens (or creates) the root key. */
    static DurableBackend open(LibertySettings settings, Metrics metrics) {
        DataDir data = DataDir.prepare(settings.dataDir());
        DatabaseConfig config = settings.dbUrl() == null
                ? DatabaseConfig.h2File(data.root()).toBuilder().poolSize(settings.poolSize()).build()
                : DatabaseConfig.builder(settings.dbUrl()).user(settings.dbUser()).password(settings.dbPassword())
                        .poolSize(settings.poolSize()).build();
        config = config.toBuilder().metricsTrackerFactory(PoolMetrics.tracker(metrics)).build();
        String keyUri = settings.keyUri() != null ? settings.keyUri()
                : "local-keyset:" + data.file(TinkEnvelope.LOCAL_KEYSET_FILE);
        return DurableBackend.open(config, keyUri, data.file(CheckpointFile.FILE_NAME));
    }
}
