/**
 * The reference server: the {@link dev.coffer.spi.SecretManager} API over JAX-RS with MicroProfile
 * JWT authentication, the standalone runtime (Jersey on Jetty) and the {@code coffer} CLI.
 *
 * <ul>
 *   <li>{@code api} — JAX-RS resources, JSON bodies and problem documents; only {@code jakarta.*}
 *       APIs, so they run unchanged on Jersey and on Open Liberty;</li>
 *   <li>{@code auth} — bearer-token verification and the mapping of JWT claims to a principal;</li>
 *   <li>{@code metrics} — SPI decorators that measure, and the Prometheus text format;</li>
 *   <li>{@code standalone} — the embedded server, its data directory and its wiring;</li>
 *   <li>{@code cli} — the {@code coffer} command line.</li>
 * </ul>
 */
package dev.coffer.server;
