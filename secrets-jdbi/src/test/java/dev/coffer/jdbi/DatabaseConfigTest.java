package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void h2FileGetsThePostgresModeSettingsTheSchemaNeeds() {
        DatabaseConfig config = DatabaseConfig.h2File(Path.of("/var/lib/coffer"));

        assertTrue(config.jdbcUrl().startsWith("jdbc:h2:file:/var/lib/coffer/coffer;"), config.jdbcUrl());
        for (String setting : new String[] {"MODE=PostgreSQL", "DATABASE_TO_LOWER=TRUE", "DEFAULT_NULL_ORDERING=HIGH"}) {
            assertTrue(config.jdbcUrl().contains(";" + setting), setting);
        }
        assertFalse(config.isPostgres());
        assertTrue(config.migrateOnStart());
        assertTrue(config.groupCommit());
    }

    @Test
    void h2SettingsGivenInTheUrlAreKept() {
        DatabaseConfig config = DatabaseConfig.builder("jdbc:h2:mem:x;LOCK_TIMEOUT=500").build();

        assertTrue(config.jdbcUrl().contains(";LOCK_TIMEOUT=500"));
        assertFalse(config.jdbcUrl().contains("LOCK_TIMEOUT=10000"));
    }

    @Test
    void h2ResultReuseIsOffAndCannotBeTurnedOn() {
        assertTrue(DatabaseConfig.h2File(Path.of("/var/lib/coffer")).jdbcUrl().contains(";OPTIMIZE_REUSE_RESULTS=FALSE"));
        assertTrue(DatabaseConfig.builder("jdbc:h2:mem:x;optimize_reuse_results=false").build().jdbcUrl()
                .contains(";optimize_reuse_results=false"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatabaseConfig.builder("jdbc:h2:mem:x;OPTIMIZE_REUSE_RESULTS=TRUE").build())
                .getMessage().contains("OPTIMIZE_REUSE_RESULTS"));
    }

    @Test
    void passwordNeverAppearsInToStringNorUrlParameters() {
        DatabaseConfig config = DatabaseConfig.builder("jdbc:postgresql://db:5432/coffer?password=hunter2-in-url")
                .user("coffer").password("hunter2").build();

        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertEquals("jdbc:postgresql://db:5432/coffer", config.safeUrl());
        assertTrue(config.isPostgres());
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseConfig.builder("jdbc:mysql://x/y").build())
                .getMessage().contains("jdbcUrl"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatabaseConfig.builder("jdbc:h2:mem:x").poolSize(1).build()).getMessage().contains("poolSize"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatabaseConfig.builder("jdbc:h2:mem:x").schema("Coffer; DROP").build()).getMessage().contains("schema"));
    }

    @Test
    void toBuilderKeepsEverySetting() {
        DatabaseConfig config = DatabaseConfig.builder("jdbc:postgresql://db/coffer").user("u").password("p").poolSize(20)
                .schema("coffer").migrateOnStart(false).groupCommit(false).build();

        assertEquals(config.toString(), config.toBuilder().build().toString());
        assertEquals("p", config.toBuilder().build().password());
    }
}
