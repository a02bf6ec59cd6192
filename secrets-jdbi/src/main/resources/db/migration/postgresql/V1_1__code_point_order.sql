-- PostgreSQL only: listings page in plain code-point order (SecretStore.listSecrets, policy
-- names), whatever the database's default collation. H2 compares strings that way already.
-- Numbered 1.1 so that the common migrations keep whole numbers for both databases.
ALTER TABLE secrets ALTER COLUMN environment TYPE VARCHAR(63) COLLATE "C";
ALTER TABLE secrets ALTER COLUMN path TYPE VARCHAR(512) COLLATE "C";
ALTER TABLE policies ALTER COLUMN name TYPE VARCHAR(128) COLLATE "C";
