-- PostgreSQL only. listPolicies pages by secret id and recentRuns breaks ties by run id, both in
-- plain code-point order (as H2 and the in-memory store compare), whatever the database's
-- collation. And "at most one open run per secret" stated directly, as a partial unique index:
-- the open_secret_id index of V5 says the same on both databases; this one does not depend on
-- that column being kept right.
ALTER TABLE rotation_policies ALTER COLUMN secret_id TYPE VARCHAR(64) COLLATE "C";
ALTER TABLE rotation_params ALTER COLUMN secret_id TYPE VARCHAR(64) COLLATE "C";
ALTER TABLE rotation_runs ALTER COLUMN id TYPE VARCHAR(64) COLLATE "C";
CREATE UNIQUE INDEX rotation_runs_one_open_uq ON rotation_runs (tenant, secret_id)
    WHERE state IN ('STARTED', 'CREATED', 'APPLIED', 'TESTED', 'CANARY', 'PROMOTED');
