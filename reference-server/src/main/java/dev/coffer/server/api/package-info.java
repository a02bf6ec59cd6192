/**
 * The REST API: JAX-RS resources that map HTTP to {@link dev.coffer.spi.SecretManager} calls and
 * nothing more (the kernel owns every rule), plus the request-id filter. Only {@code jakarta.*}
 * APIs are used here, so the same classes run on Jersey standalone and on Open Liberty.
 *
 * <p>Requests may carry {@code X-Request-Id} (echoed, recorded in audit), {@code X-Coffer-Reason}
 * and {@code X-Coffer-Ticket}. Errors are {@code application/problem+json} with a stable
 * {@code code}.
 */
package dev.coffer.server.api;
