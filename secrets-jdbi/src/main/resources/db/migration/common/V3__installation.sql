-- Steps done once per installation (this database), such as the reference server's admin
-- bootstrap. A row records that the step ran, so it never runs again: not after a restart, not
-- on another server instance sharing the database, not after an operator undid what it did.
CREATE TABLE installation_steps (
    name     VARCHAR(63)              NOT NULL PRIMARY KEY,
    done_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
