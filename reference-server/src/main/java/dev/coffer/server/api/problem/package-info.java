/**
 * RFC 9457 problem documents ({@code application/problem+json}) and the exception mappers that
 * produce them. Every error body carries the stable {@link dev.coffer.spi.error.ErrorCode} name in
 * {@code code} and the request id; none carries a secret value or a token.
 */
package dev.coffer.server.api.problem;
