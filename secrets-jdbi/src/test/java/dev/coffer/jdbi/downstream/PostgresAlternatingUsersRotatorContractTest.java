package dev.coffer.jdbi.downstream;

import dev.coffer.jdbi.testing.UseScramPostgres;
import dev.coffer.tck.rotation.RotatorContract;
import dev.coffer.tck.rotation.RotatorFixture;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's rotator contract for {@code postgresql} with {@code alternating-users}, on the password-checking cluster. */
@ExtendWith(UseScramPostgres.class)
class PostgresAlternatingUsersRotatorContractTest extends RotatorContract {
    @Override
    protected RotatorFixture newFixture() {
        return new PostgresRotatorFixture(true);
    }
}
