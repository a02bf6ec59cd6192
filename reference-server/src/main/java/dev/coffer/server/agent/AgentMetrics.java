package dev.coffer.server.agent;

import dev.coffer.config.CofferStats;
import dev.coffer.config.cache.SecretCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToLongFunction;

/**
 * The agent's metrics, in Prometheus text as the server's: {@code coffer_agent_renders_total}
 * (files written with new content), {@code coffer_agent_render_failures_total},
 * {@code coffer_agent_revocations_total} (files removed or emptied), {@code coffer_agent_command_runs_total}
 * and {@code coffer_agent_command_failures_total}, {@code coffer_agent_templates{state}}, and the
 * cache's counters as {@code coffer_agent_cache_*_total}. Counts only: no path, no value.
 *
 * <pre>{@code
 * String text = agent.metrics().prometheusText();
 * }</pre>
 */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter renders;
    private final Counter renderFailures;
    private final Counter revocations;
    private final Counter commandRuns;
    private final Counter commandFailures;

    AgentMetrics(SecretCache cache, Agent agent) {
        renders = Counter.builder("coffer.agent.renders").description("Files written with new content").register(registry);
        renderFailures = Counter.builder("coffer.agent.render.failures").description("Renders or writes that failed").register(registry);
        revocations = Counter.builder("coffer.agent.revocations")
                .description("Files removed or emptied because a secret was no longer served").register(registry);
        commandRuns = Counter.builder("coffer.agent.command.runs").description("Commands run or signals sent").register(registry);
        commandFailures = Counter.builder("coffer.agent.command.failures")
                .description("Commands that exited non-zero or timed out, signals not delivered").register(registry);
        for (TemplateState state : TemplateState.values()) {
            Gauge.builder("coffer.agent.templates", agent, a -> a.statuses().stream().filter(s -> s.state() == state).count())
                    .description("Templates by state").tag("state", state.word()).register(registry);
        }
        cacheCounter(cache, "hits", "Values served fresh", CofferStats::hits);
        cacheCounter(cache, "misses", "Values fetched because none was cached", CofferStats::misses);
        cacheCounter(cache, "refreshes", "Successful refreshes", CofferStats::refreshes);
        cacheCounter(cache, "refresh.failures", "Refreshes that failed for a transient reason", CofferStats::refreshFailures);
        cacheCounter(cache, "stale.serves", "Values served past their freshness", CofferStats::staleServes);
        cacheCounter(cache, "revocations", "Entries that stopped serving", CofferStats::revocations);
        cacheCounter(cache, "change.events", "Change-stream events received", CofferStats::changeEvents);
        cacheCounter(cache, "stream.reconnects", "Change-stream reconnects", CofferStats::streamReconnects);
    }

    private void cacheCounter(SecretCache cache, String name, String description, ToLongFunction<CofferStats> field) {
        FunctionCounter.builder("coffer.agent.cache." + name, cache, c -> field.applyAsLong(c.stats()))
                .description(description).register(registry);
    }

    void rendered() {
        renders.increment();
    }

    void renderFailed() {
        renderFailures.increment();
    }

    void revoked() {
        revocations.increment();
    }

    void commandRan(boolean ok) {
        commandRuns.increment();
        if (!ok) {
            commandFailures.increment();
        }
    }

    /** Files written with new content so far. */
    public long renders() {
        return (long) renders.count();
    }

    /** The Prometheus text exposition. */
    public String prometheusText() {
        return registry.scrape();
    }
}
