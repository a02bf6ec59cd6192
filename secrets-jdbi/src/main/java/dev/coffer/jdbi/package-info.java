/**
 * Durable storage for Coffer on JDBI 3, HikariCP and Flyway, on PostgreSQL (production) or H2
 * (embedded default): {@link dev.coffer.jdbi.CofferDatabase} opens a database described by a
 * {@link dev.coffer.jdbi.DatabaseConfig} and hands out the SPI implementations —
 * {@link dev.coffer.jdbi.JdbiSecretStore}, {@link dev.coffer.jdbi.JdbiTenantKeyStore},
 * {@link dev.coffer.jdbi.JdbiAuditLog} (hash-chained, group commit, idempotent by event id),
 * {@link dev.coffer.jdbi.JdbiPolicyStore} and {@link dev.coffer.jdbi.JdbiRotationStore} (rotation
 * policies, runs and the claims that keep server instances off each other's rotations).
 *
 * <p>Audit atomicity: the store and the audit log are one database, so a change and its audit
 * events share one transaction. A store runs the kernel's
 * {@link dev.coffer.spi.store.BeforeCommit} hook after applying the change, takes the drafts
 * {@link dev.coffer.spi.store.BeforeCommit#prepare} returns and appends them to the chain on the
 * change's own connection (locking the chain's head like every append), then commits: the change
 * and its events commit together, or, if the hook throws, the events cannot be written or the
 * commit fails, neither stays. Nothing waits to be relayed, so the stores'
 * {@link dev.coffer.spi.store.AuditOutbox} is {@link dev.coffer.spi.store.AuditOutbox#none()}.
 * Events outside a change (reads, denials, relayed events) go through
 * {@link dev.coffer.jdbi.JdbiAuditLog#append}, which stores an id once however often, and from
 * however many instances, it is appended.
 */
package dev.coffer.jdbi;
