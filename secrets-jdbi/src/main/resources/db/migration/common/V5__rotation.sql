-- Coffer schema, version 5: the rotation engine's durable state (RotationStore). Runs unchanged
-- on PostgreSQL and on H2 in PostgreSQL mode; PostgreSQL adds V5_1 (code-point order, and the
-- one-open-run rule as a partial unique index).
--
-- No foreign key to secrets: the kernel checks the secret exists when a policy is set and calls
-- forgetSecret when it is purged; runs stay as history after their policy is removed.

-- One policy per secret, with the engine's bookkeeping: when to look at it next (due_at), who
-- holds it (claim_*: a lease, so a dead instance's work is claimed again once it expires) and a
-- revision bumped by every change to the row except claiming.
CREATE TABLE rotation_policies (
    tenant            VARCHAR(63)              NOT NULL REFERENCES tenants (tenant),
    secret_id         VARCHAR(64)              NOT NULL,
    rotator           VARCHAR(63)              NOT NULL,
    schedule          VARCHAR(128)             NOT NULL,
    window_seconds    BIGINT                   NOT NULL,
    overlap_seconds   BIGINT                   NOT NULL,
    canary_seconds    BIGINT                   NOT NULL,
    enabled           BOOLEAN                  NOT NULL,
    max_attempts      INTEGER                  NOT NULL,
    due_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    claim_owner       VARCHAR(200),
    claim_token       VARCHAR(64),
    claim_expires_at  TIMESTAMP WITH TIME ZONE,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    revision          BIGINT                   NOT NULL,
    CONSTRAINT rotation_policies_pk PRIMARY KEY (tenant, secret_id),
    CONSTRAINT rotation_policies_claim_ck CHECK ((claim_token IS NULL AND claim_owner IS NULL AND claim_expires_at IS NULL)
        OR (claim_token IS NOT NULL AND claim_owner IS NOT NULL AND claim_expires_at IS NOT NULL))
);
-- claimDue scans by due_at across tenants.
CREATE INDEX rotation_policies_due_ix ON rotation_policies (due_at);

-- The rotator's params of a policy (names are unique per policy; never secret material).
CREATE TABLE rotation_params (
    tenant       VARCHAR(63)   NOT NULL,
    secret_id    VARCHAR(64)   NOT NULL,
    param_name   VARCHAR(64)   NOT NULL,
    param_value  VARCHAR(1024) NOT NULL,
    CONSTRAINT rotation_params_pk PRIMARY KEY (tenant, secret_id, param_name),
    CONSTRAINT rotation_params_policy_fk FOREIGN KEY (tenant, secret_id)
        REFERENCES rotation_policies (tenant, secret_id) ON DELETE CASCADE
);

-- Runs, one row each (RotationRun). open_secret_id is the secret id while the run is open and
-- NULL once it ended (the check keeps it honest); its unique index is "at most one open run per
-- secret" on both databases, since H2 has no partial indexes (NULLs never collide).
CREATE TABLE rotation_runs (
    tenant            VARCHAR(63)              NOT NULL,
    id                VARCHAR(64)              NOT NULL,
    secret_id         VARCHAR(64)              NOT NULL,
    state             VARCHAR(16)              NOT NULL,
    open_secret_id    VARCHAR(64),
    test_only         BOOLEAN                  NOT NULL,
    cancel_requested  BOOLEAN                  NOT NULL,
    rotator           VARCHAR(63)              NOT NULL,
    from_version      INTEGER,
    pending_version   INTEGER,
    attempt           INTEGER                  NOT NULL,
    started_by        VARCHAR                  NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    next_attempt_at   TIMESTAMP WITH TIME ZONE,
    window_ends_at    TIMESTAMP WITH TIME ZONE,
    canary_until      TIMESTAMP WITH TIME ZONE,
    last_error_code   VARCHAR(64),
    finished_at       TIMESTAMP WITH TIME ZONE,
    retire_at         TIMESTAMP WITH TIME ZONE,
    retired_at        TIMESTAMP WITH TIME ZONE,
    revision          BIGINT                   NOT NULL,
    CONSTRAINT rotation_runs_pk PRIMARY KEY (tenant, id),
    CONSTRAINT rotation_runs_state_ck CHECK (state IN ('STARTED', 'CREATED', 'APPLIED', 'TESTED', 'CANARY', 'PROMOTED',
        'FINISHED', 'FAILED', 'ABANDONED', 'CANCELLED', 'DISCARDED')),
    -- IS NOT NULL spelled out: a comparison with NULL is unknown, and a CHECK lets unknown pass.
    CONSTRAINT rotation_runs_open_ck CHECK (
        (state IN ('STARTED', 'CREATED', 'APPLIED', 'TESTED', 'CANARY', 'PROMOTED') AND open_secret_id IS NOT NULL
            AND open_secret_id = secret_id)
        OR (state IN ('FINISHED', 'FAILED', 'ABANDONED', 'CANCELLED', 'DISCARDED') AND open_secret_id IS NULL))
);
CREATE UNIQUE INDEX rotation_runs_open_uq ON rotation_runs (tenant, open_secret_id);
-- recentRuns: a secret's runs newest first.
CREATE INDEX rotation_runs_secret_ix ON rotation_runs (tenant, secret_id, started_at);
