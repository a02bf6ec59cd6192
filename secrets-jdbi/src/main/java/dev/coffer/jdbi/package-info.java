/**
 * Durable storage for Coffer on JDBI 3, HikariCP and Flyway, on PostgreSQL (production) or H2
 * (embedded default): {@link dev.coffer.jdbi.CofferDatabase} opens a database described by a
 * {@link dev.coffer.jdbi.DatabaseConfig} and hands out the four SPI implementations —
 * {@link dev.coffer.jdbi.JdbiSecretStore}, {@link dev.coffer.jdbi.JdbiTenantKeyStore},
 * {@link dev.coffer.jdbi.JdbiAuditLog} (hash-chained, group commit) and
 * {@link dev.coffer.jdbi.JdbiPolicyStore}.
 */
package dev.coffer.jdbi;
