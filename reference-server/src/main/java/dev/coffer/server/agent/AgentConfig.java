package dev.coffer.server.agent;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.config.settings.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's configuration, read from YAML by {@link AgentConfigLoader}.
 *
 * <pre>{@code
 * AgentConfig config = AgentConfigLoader.load(Path.of("/etc/coffer/agent.yaml"));
 * Settings settings = config.settings(Duration.ofSeconds(60));
 * }</pre>
 *
 * @param server the Coffer server's http(s) URL
 * @param tokenFile the bearer token's file, re-read when it changes
 * @param tenant the tenant (default {@code default})
 * @param cache the cache rules
 * @param listen where /health and /metrics listen, or null for nowhere
 * @param templates the files to render, at least one
 */
public record AgentConfig(String server, Path tokenFile, String tenant, CachePolicy cache, Listen listen,
        List<TemplateSpec> templates) {
    public AgentConfig {
        templates = List.copyOf(templates);
    }

    /**
     * The cache settings: one mapping per distinct secret reference the templates name, the
     * property being the reference itself ({@code prod/payments/db-password#current}), so two
     * templates reading one secret share one cache entry.
     *
     * @param startupTimeout how long the first fetch may retry transient errors
     */
    public Settings settings(Duration startupTimeout) {
        Settings.Builder b = Settings.builder().url(server).tokenFile(tokenFile).tenant(tenant)
                .ttl(cache.ttl()).jitter(cache.jitter()).maxStale(cache.maxStale()).watch(cache.watch()).startupTimeout(startupTimeout);
        for (TemplateSpec t : templates) {
            for (SecretMapping m : t.secrets().values()) {
                b.map(m.target(), m.target());
            }
        }
        return b.build();
    }

    /** The same configuration with another ttl (and so another safety re-render period). */
    AgentConfig withTtl(Duration ttl) {
        return new AgentConfig(server, tokenFile, tenant, new CachePolicy(ttl, cache.jitter(), cache.maxStale(), cache.watch()), listen, templates);
    }

    /** The cache property a template's secret is read under (see {@link #settings}). */
    public static String property(SecretMapping mapping) {
        return mapping.target();
    }
}
