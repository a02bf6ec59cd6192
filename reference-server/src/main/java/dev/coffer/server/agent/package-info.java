/**
 * {@code coffer agent}: renders secrets into files for applications in any language (a Kubernetes
 * sidecar or init container). Built on the ConfigSource's one client and cache
 * ({@link dev.coffer.config.cache.SecretCache} over the remote transport, token from a file that is
 * re-read when it changes): the same TTL, jitter, max-stale and fail-closed rules.
 *
 * <pre>
 * coffer agent --config /etc/coffer/agent.yaml          # long-running, /health and /metrics
 * coffer agent --config /etc/coffer/agent.yaml --once   # init container: render and exit
 * </pre>
 *
 * <p>{@link dev.coffer.server.agent.AgentConfigLoader} reads the YAML into
 * {@link dev.coffer.server.agent.AgentConfig}; {@link dev.coffer.server.agent.Renderers} turn values
 * into bytes per {@link dev.coffer.server.agent.Format}; {@link dev.coffer.server.agent.AtomicFile}
 * writes them (temp file, fsync, rename); {@link dev.coffer.server.agent.ReloadAction} runs the
 * command or sends the signal; {@link dev.coffer.server.agent.Agent} is the loop;
 * {@link dev.coffer.server.agent.AgentEndpoints} serves {@code /health} and {@code /metrics}.
 */
package dev.coffer.server.agent;
