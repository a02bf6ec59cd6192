/**
 * Durable SecretStore, TenantKeyStore, AuditLog (hash-chained, group commit) and PolicyStore on JDBI 3 + HikariCP with Flyway migrations for PostgreSQL and H2. Arrives with issue 4.
 */
package dev.coffer.jdbi;
