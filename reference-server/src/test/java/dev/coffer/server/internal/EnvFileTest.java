package dev.coffer.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The {@code .env} subset of {@code coffer run --env-file}, as data. */
class EnvFileTest {
    @Test
    void theDocumentedSubsetParses() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("DB_PASSWORD", "coffer://prod/payments/db-password");
        expected.put("API_KEY", "coffer://prod/payments/api-key#next");
        expected.put("GREETING", "hello world");
        expected.put("PATTERN", "no $escapes or \\n here");
        expected.put("ESCAPED", "a\"b\\c\nd");
        expected.put("TRAILING", "value");
        expected.put("HASHED", "a#b");
        expected.put("EMPTY", "");
        assertEquals(expected, EnvFile.parse("--env-file t.env", String.join("\r\n",
                "# a comment line", "", "DB_PASSWORD=coffer://prod/payments/db-password",
                "export API_KEY = coffer://prod/payments/api-key#next", "GREETING=\"hello world\"   # a comment",
                "PATTERN='no $escapes or \\n here'", "ESCAPED=\"a\\\"b\\\\c\\nd\"", "TRAILING=value   # note",
                "HASHED=a#b", "EMPTY=", "   # indented comment")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no equals sign               | JUSTTEXT                  | line 1: expected KEY=VALUE",
        "bad key                      | 1KEY=x                    | line 1: '1KEY' is not a variable name",
        "key with a dash              | MY-KEY=x                  | line 1: 'MY-KEY' is not a variable name",
        "unclosed double quote        | K=\"s3cr3t-abc            | line 1 (K): the double quote is not closed",
        "unclosed single quote        | K='s3cr3t-abc             | line 1 (K): the single quote is not closed",
        "text after the closing quote | K=\"s3cr3t-abc\"x         | line 1 (K): only a # comment may follow",
        "unknown escape               | K=\"a\\qb\"               | line 1 (K): unknown escape \\q",
        "quote inside unquoted        | K=it's-s3cr3t             | line 1 (K): a quote inside an unquoted value",
    })
    void malformedLinesFailNamingTheLineAndNeverTheValue(String what, String line, String message) {
        EnvFile.Invalid e = assertThrows(EnvFile.Invalid.class, () -> EnvFile.parse("--env-file t.env", line));
        assertTrue(e.getMessage().contains("--env-file t.env " + message), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void aKeyTwiceIsAnErrorOnTheSecondLine() {
        EnvFile.Invalid e = assertThrows(EnvFile.Invalid.class, () -> EnvFile.parse("--env-file t.env", "A=1\nB=2\nA=3"));
        assertTrue(e.getMessage().contains("line 3: A is set a second time"), e.getMessage());
    }

    @Test
    void tooManyLinesAreRefused() {
        EnvFile.Invalid e = assertThrows(EnvFile.Invalid.class, () -> EnvFile.parse("--env-file t.env", "\n".repeat(EnvFile.MAX_LINES)));
        assertTrue(e.getMessage().contains("more than " + EnvFile.MAX_LINES + " lines"), e.getMessage());
    }
}
