/**
 * Coffer speaking to the systems whose credentials it holds, over JDBC: the {@code postgresql}
 * rotator ({@link dev.coffer.jdbi.downstream.PostgresRotator}, strategies {@code single-user} and
 * {@code alternating-users}), found by {@link java.util.ServiceLoader} as a
 * {@link dev.coffer.spi.rotation.Rotator}.
 */
package dev.coffer.jdbi.downstream;
