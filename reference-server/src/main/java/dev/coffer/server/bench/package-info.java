/**
 * {@code coffer bench}: one run that measures the server against what the machine allows. It starts
 * servers as child processes ({@code java -jar coffer.jar serve}), loads secrets over the REST API
 * with {@link dev.coffer.config.remote.RemoteSecretManager}, drives audited reads with wrk or a
 * bounded Java driver, measures the 401 floor and the pgbench ceiling in the same run, samples CPU
 * from {@code /proc}, and prints one Markdown table. Nothing here is used by the server itself.
 *
 * <pre>
 * ./coffer bench --duration 10s
 * ./coffer bench --no-pg --connections 16 --out bench.md
 * </pre>
 */
package dev.coffer.server.bench;
