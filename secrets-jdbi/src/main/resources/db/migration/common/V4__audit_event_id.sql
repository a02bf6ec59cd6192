-- Coffer schema, version 4: every audit event carries its own id (AuditEvent.id), assigned when
-- the draft is built. AuditLog.append is idempotent by it: an event relayed again (from a store's
-- outbox, after a lost reply) is chained once. The log looks ids up under the head lock; this
-- unique index is the backstop. Rows written before this migration keep NULL (several NULLs never
-- collide in a unique index on PostgreSQL or H2) and hash, so verify, as they always did.
ALTER TABLE audit_events ADD COLUMN event_id VARCHAR(64);
CREATE UNIQUE INDEX audit_events_event_id_uq ON audit_events (event_id);
