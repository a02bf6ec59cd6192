-- Policy generations, for the policy store's per-tenant cache (JdbiPolicyStore). Runs unchanged on
-- PostgreSQL and on H2 in PostgreSQL mode.
--
-- Every transaction that changes what a tenant's policy listing or break-glass grants return (a
-- policy put or delete, a grant added) sets the tenant's policy_generation to a new value from
-- policy_generation_seq before it commits. A server instance validates its cached copy with one
-- primary-key read of this column on every call and reloads when the value differs, so a change
-- committed by any instance is seen by the next call that starts after the commit.
--
-- Values come from one sequence, never from a per-tenant counter: a sequence never hands a value
-- out twice, so a tenant row that is deleted and created again (tests empty the tables) can never
-- come back with a value a cache holds for its old policies. New tenants take a fresh value by
-- default; the tenants of earlier versions get one here.
CREATE SEQUENCE policy_generation_seq;
ALTER TABLE tenants ADD COLUMN policy_generation BIGINT;
UPDATE tenants SET policy_generation = nextval('policy_generation_seq');
ALTER TABLE tenants ALTER COLUMN policy_generation SET DEFAULT nextval('policy_generation_seq');
ALTER TABLE tenants ALTER COLUMN policy_generation SET NOT NULL;
