package dev.coffer.tck.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;

/** Assertions on Coffer exceptions that also prove the exception leaks no test value. */
public final class Expect {
    private Expect() {}

    /** Asserts {@code call} throws {@code type} with {@code code}, and that nothing secret is in it. */
    public static <T extends SecretsException> T thrown(Class<T> type, ErrorCode code, Executable call) {
        T thrown = assertThrows(type, call);
        NoValueLeaks.assertNoValueIn(thrown);
        assertEquals(code, thrown.code(), () -> "error code of: " + thrown.getMessage());
        return thrown;
    }

    /**
     * Asserts {@code call} throws {@code type} with {@code code}, and that nothing secret is in it;
     * a failure (nothing thrown, another type, another code) is reported with {@code rule}, which
     * names the contract rule, the SPI method and the values involved.
     */
    public static <T extends SecretsException> T thrown(Class<T> type, ErrorCode code, Executable call,
            Supplier<String> rule) {
        T thrown = assertThrows(type, call, rule);
        NoValueLeaks.assertNoValueIn(thrown);
        assertEquals(code, thrown.code(), () -> rule.get() + "; got " + thrown.code() + ": " + thrown.getMessage());
        return thrown;
    }

    /** Asserts {@code call} throws {@code type}, and that nothing secret is in it. */
    public static <T extends Throwable> T thrown(Class<T> type, Executable call) {
        T thrown = assertThrows(type, call);
        NoValueLeaks.assertNoValueIn(thrown);
        return thrown;
    }

    /**
     * Asserts {@code call} throws {@code type}, and that nothing secret is in it; a failure (nothing
     * thrown, another type) is reported with {@code rule}, which names the contract rule, the SPI
     * method and the values involved.
     */
    public static <T extends Throwable> T thrown(Class<T> type, Executable call, Supplier<String> rule) {
        T thrown = assertThrows(type, call, rule);
        NoValueLeaks.assertNoValueIn(thrown);
        return thrown;
    }
}
