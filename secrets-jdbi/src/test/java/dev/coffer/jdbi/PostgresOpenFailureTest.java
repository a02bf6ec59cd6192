package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.PostgresServer;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.error.UnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link OpenFailureTest} on a real PostgreSQL: a missing database and an unknown user say so. */
@ExtendWith(UsePostgres.class)
class PostgresOpenFailureTest {
    @Test
    void aDatabaseThatDoesNotExistIsSaidToBeMissing() {
        UnavailableException e = OpenFailureTest.openFails(PostgresServer.config("coffer_no_such_database").build());
        assertTrue(e.getMessage().contains("no such database: create it first"), e.getMessage());
        assertTrue(e.getMessage().contains("(SQLState 3D000)"), e.getMessage());
    }

    @Test
    void aUserTheServerDoesNotKnowIsARefusedLogin() {
        UnavailableException e = OpenFailureTest.openFails(PostgresServer.config("postgres").user("coffer_no_such_role").build());
        assertTrue(e.getMessage().contains("the database refused the login: check the user and password"), e.getMessage());
        assertTrue(e.getMessage().contains("(SQLState 28"), e.getMessage());
    }
}
