-- Coffer schema, version 1. Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode
-- (MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH). Shipped migrations are
-- never edited: later changes are new, higher-numbered files.
--
-- Instants are TIMESTAMP WITH TIME ZONE with microsecond precision: the audit hash covers them,
-- so they must come back exactly as written. Sealed values are opaque bytes.

CREATE TABLE tenants (
    tenant      VARCHAR(63)              NOT NULL PRIMARY KEY,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Wrapped (root-encrypted) tenant keysets; revision is the compare-and-set token.
CREATE TABLE tenant_keys (
    tenant          VARCHAR(63)              NOT NULL PRIMARY KEY REFERENCES tenants (tenant),
    wrapped_keyset  BYTEA                    NOT NULL,
    revision        BIGINT                   NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Secret metadata. last_version is the highest number ever allocated: adding a version locks
-- this row, so numbers stay gap-free across server instances sharing the database.
CREATE TABLE secrets (
    tenant                 VARCHAR(63)              NOT NULL REFERENCES tenants (tenant),
    id                     VARCHAR(64)              NOT NULL,
    environment            VARCHAR(63)              NOT NULL,
    path                   VARCHAR(512)             NOT NULL,
    owner_team             VARCHAR(128)             NOT NULL,
    description            VARCHAR(1024)            NOT NULL,
    rotation_strategy      VARCHAR(63)              NOT NULL,
    rotation_period        VARCHAR(64),
    label_keys             VARCHAR(63) ARRAY        NOT NULL,
    label_values           VARCHAR(255) ARRAY       NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    deletion_scheduled_at  TIMESTAMP WITH TIME ZONE,
    last_rotated_at        TIMESTAMP WITH TIME ZONE,
    last_version           INTEGER                  NOT NULL,
    CONSTRAINT secrets_pk PRIMARY KEY (tenant, id),
    -- Paths are unique per tenant, pending deletion included; also the listing index.
    CONSTRAINT secrets_path_uq UNIQUE (tenant, environment, path)
);

-- Ids of purged secrets with the last number they reached: a secret created again under the
-- same id continues after it, so a number is never handed out twice.
CREATE TABLE retired_secrets (
    tenant        VARCHAR(63) NOT NULL,
    id            VARCHAR(64) NOT NULL,
    last_version  INTEGER     NOT NULL,
    CONSTRAINT retired_secrets_pk PRIMARY KEY (tenant, id)
);

-- Versions. ciphertext and wrapped_key are NULL once destroyed; state never goes back from DESTROYED.
CREATE TABLE secret_versions (
    tenant       VARCHAR(63)              NOT NULL,
    secret_id    VARCHAR(64)              NOT NULL,
    number       INTEGER                  NOT NULL,
    state        VARCHAR(16)              NOT NULL,
    created_by   VARCHAR                  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    key_id       VARCHAR                  NOT NULL,
    ciphertext   BYTEA,
    wrapped_key  BYTEA,
    CONSTRAINT secret_versions_pk PRIMARY KEY (tenant, secret_id, number),
    CONSTRAINT secret_versions_secret_fk FOREIGN KEY (tenant, secret_id) REFERENCES secrets (tenant, id) ON DELETE CASCADE,
    CONSTRAINT secret_versions_state_ck CHECK (state IN ('ENABLED', 'DISABLED', 'DESTROYED')),
    CONSTRAINT secret_versions_number_ck CHECK (number >= 1),
    CONSTRAINT secret_versions_destroyed_ck CHECK (state <> 'DESTROYED' OR (ciphertext IS NULL AND wrapped_key IS NULL))
);

-- Aliases: name -> version of the same secret.
CREATE TABLE secret_aliases (
    tenant     VARCHAR(63) NOT NULL,
    secret_id  VARCHAR(64) NOT NULL,
    alias      VARCHAR(63) NOT NULL,
    version    INTEGER     NOT NULL,
    CONSTRAINT secret_aliases_pk PRIMARY KEY (tenant, secret_id, alias),
    CONSTRAINT secret_aliases_version_fk FOREIGN KEY (tenant, secret_id, version)
        REFERENCES secret_versions (tenant, secret_id, number) ON DELETE CASCADE
);

-- Policies, one row each; list-valued fields are arrays, so nothing needs parsing.
CREATE TABLE policies (
    tenant           VARCHAR(63)         NOT NULL REFERENCES tenants (tenant),
    name             VARCHAR(128)        NOT NULL,
    effect           VARCHAR(8)          NOT NULL,
    principals       VARCHAR(200) ARRAY  NOT NULL,
    actions          VARCHAR(64) ARRAY   NOT NULL,
    resources        VARCHAR(600) ARRAY  NOT NULL,
    mfa              BOOLEAN             NOT NULL,
    ticket_required  BOOLEAN             NOT NULL,
    source_cidr      VARCHAR(64) ARRAY   NOT NULL,
    source_cluster   VARCHAR ARRAY       NOT NULL,
    CONSTRAINT policies_pk PRIMARY KEY (tenant, name),
    CONSTRAINT policies_effect_ck CHECK (effect IN ('ALLOW', 'DENY'))
);

CREATE TABLE break_glass_grants (
    tenant        VARCHAR(63)              NOT NULL REFERENCES tenants (tenant),
    id            VARCHAR(64)              NOT NULL,
    principal_id  VARCHAR                  NOT NULL,
    resources     VARCHAR(600) ARRAY       NOT NULL,
    reason        VARCHAR,
    ticket_url    VARCHAR,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT break_glass_grants_pk PRIMARY KEY (tenant, id)
);
CREATE INDEX break_glass_grants_principal_ix ON break_glass_grants (tenant, principal_id, expires_at);

-- The audit log: append-only, one sequence and one hash chain across tenants (AuditChain).
-- Free-text columns are unbounded so that no attempt can fail to be audited for its length.
CREATE TABLE audit_events (
    seq          BIGINT                   NOT NULL PRIMARY KEY,
    event_type   VARCHAR(32)              NOT NULL,
    tenant       VARCHAR                  NOT NULL,
    environment  VARCHAR,
    path         VARCHAR,
    version      INTEGER,
    principal    VARCHAR                  NOT NULL,
    action       VARCHAR,
    detail       VARCHAR,
    source_ip    VARCHAR,
    request_id   VARCHAR                  NOT NULL,
    decision     VARCHAR(8)               NOT NULL,
    reason       VARCHAR,
    ticket       VARCHAR,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    prev_hash    VARCHAR(64)              NOT NULL,
    hash         VARCHAR(64)              NOT NULL
);
CREATE INDEX audit_events_tenant_ix ON audit_events (tenant, seq);

-- The head of the chain: seq and hash of the newest event. Appenders lock this one row
-- (SELECT ... FOR UPDATE), which serializes appends across server instances; verify compares
-- the last stored event with it, so removing the newest events is noticed too.
CREATE TABLE audit_head (
    id         INTEGER     NOT NULL PRIMARY KEY,
    last_seq   BIGINT      NOT NULL,
    last_hash  VARCHAR(64) NOT NULL,
    CONSTRAINT audit_head_single_row_ck CHECK (id = 1)
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
