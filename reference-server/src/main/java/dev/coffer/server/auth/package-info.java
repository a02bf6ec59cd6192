/**
 * Authentication: MicroProfile JWT bearer tokens verified with smallrye-jwt's parser, JWT claims
 * mapped to a {@link dev.coffer.spi.access.Principal}, and the request filter that lets nothing
 * but {@code /health} through without a valid token.
 *
 * <p>Claim mapping ({@link dev.coffer.server.auth.ClaimMapping}): {@code sub} (else {@code upn})
 * → principal id, as {@code user:<sub>} unless it already has a {@code kind:} prefix;
 * {@code groups} → groups; {@code tenant} → tenant ({@code default} only when absent; present, it
 * must be a valid tenant id); {@code amr} containing {@code mfa} → mfa; {@code cluster} → cluster.
 * {@link dev.coffer.server.auth.TokenBounds} limit a token's lifetime and {@code iat}; refusals are
 * counted and logged by {@link dev.coffer.server.auth.AuthenticationFailures}.
 */
package dev.coffer.server.auth;
