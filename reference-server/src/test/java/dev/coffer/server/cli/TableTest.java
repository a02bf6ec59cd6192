package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables: a header, columns aligned to the widest cell, cell text shown as it is (but harmless to a terminal). */
class TableTest {

    @Test
    void columnsAreAlignedUnderTheirHeaders() {
        String text = new Table("PATH", "OWNER", "CURRENT").row("prod/db/password", "payments", 3).row("dev/x", "a", null).toString();
        List<String> lines = text.lines().toList();
        assertEquals(List.of("PATH              OWNER     CURRENT", "prod/db/password  payments  3", "dev/x             a         -"), lines);
    }

    @Test
    void cellTextIsNotReadAsPicocliMarkup() {
        String text = new Table("A", "B").row("@|bold x|@", "user:a@|b").row("@|bogus y|@", "@|@").toString();
        assertTrue(text.contains("@|bold x|@") && text.contains("user:a@|b") && text.contains("@|bogus y|@") && text.contains("@|@"), text);
    }

    @Test
    void controlCharactersCannotReachTheTerminal() {
        String text = new Table("A").row("evil\u001b[2Jline\nbreak").toString();
        assertFalse(text.contains("\u001b"), text);
        assertEquals(List.of("A", "evil?[2Jline?break"), text.lines().toList());
    }

    @Test
    void aRowMustFillEveryColumn() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }
}
