/**
 * Authentication: MicroProfile JWT bearer tokens verified with smallrye-jwt's parser, JWT claims
 * mapped to a {@link dev.coffer.spi.access.Principal}, and the request filter that lets nothing
 * but {@code /health} through without a valid token.
 *
 * <p>Claim mapping ({@link dev.coffer.server.auth.ClaimMapping}): {@code sub} (else {@code upn})
 * → principal id, as {@code user:<sub>} unless it already has a {@code kind:} prefix;
 * {@code groups} → groups; {@code tenant} → tenant ({@code default} when absent);
 * {@code amr} containing {@code mfa} → mfa; {@code cluster} → cluster.
 */
package dev.coffer.server.auth;
