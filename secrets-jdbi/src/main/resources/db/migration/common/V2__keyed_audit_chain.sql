-- Coffer schema, version 2: the audit chain becomes keyed (HMAC-SHA256 under a key held outside
-- the database) from the next event on. Events written before this migration were chained with
-- plain SHA-256; they stay as they are and are verified that way. keyed_from is the seq of the
-- first keyed event: 1 on a database created by this version, last_seq + 1 on one upgraded.
-- Checkpoints (kept outside the database) record keyed_from too, so moving it is detected.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT DEFAULT 1 NOT NULL;
UPDATE audit_head SET keyed_from = last_seq + 1 WHERE id = 1;
