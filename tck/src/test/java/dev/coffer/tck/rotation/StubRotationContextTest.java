package dev.coffer.tck.rotation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.support.TestValues;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class StubRotationContextTest {
    private static final RotationPolicy POLICY = RotationPolicy.builder("tck-fake", RotationSchedule.parse("30d"))
            .param("adminSecret", "prod/db/admin").build();

    @Test
    void holdsWhatItsBuilderWasGiven() {
        String current = TestValues.text();
        String pending = TestValues.text();
        String admin = TestValues.text();
        try (StubRotationContext ctx = StubRotationContext.builder(POLICY).current(SecretValue.ofUtf8(current))
                .pending(SecretValue.ofUtf8(pending)).referencedSecret("adminSecret", SecretValue.ofUtf8(admin))
                .state(RunState.CREATED).build()) {
            assertEquals(current, ctx.currentValue().orElseThrow().asUtf8());
            assertEquals(pending, ctx.pendingValue().asUtf8());
            assertEquals(admin, ctx.referencedSecret("adminSecret").asUtf8());
            assertEquals(OptionalInt.of(StubRotationContext.CURRENT_VERSION), ctx.currentVersion());
            assertEquals(RunState.CREATED, ctx.run().state());
            assertEquals(StubRotationContext.PENDING_VERSION, ctx.run().pendingVersion());
            assertEquals("tck-fake", ctx.secret().rotationStrategy());
            assertTrue(ctx.previousValue().isEmpty());
        }
    }

    @Test
    void withoutAPendingValuePendingValueThrowsAsTheEngineDoes() {
        try (StubRotationContext ctx = StubRotationContext.builder(POLICY).build()) {
            assertThrows(IllegalStateException.class, ctx::pendingValue);
            assertFalse(ctx.hasPending());
        }
    }

    @Test
    void asInRetireTheCurrentVersionMayBeKnownWithoutItsValue() {
        try (StubRotationContext ctx = StubRotationContext.builder(POLICY).currentVersionOnly(1).state(RunState.FINISHED).build()) {
            assertEquals(OptionalInt.of(1), ctx.currentVersion());
            assertTrue(ctx.currentValue().isEmpty());
            assertThrows(IllegalStateException.class, ctx::pendingValue);
        }
    }

    @Test
    void aParamItWasNotGivenIsRefused() {
        try (StubRotationContext ctx = StubRotationContext.builder(POLICY).build()) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> ctx.referencedSecret("other"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
    }

    @Test
    void aValueClosedByTheRotatorDoesNotBreakTheNextRead() {
        String current = TestValues.text();
        try (StubRotationContext ctx = StubRotationContext.builder(POLICY).current(SecretValue.ofUtf8(current)).build()) {
            ctx.currentValue().orElseThrow().close();
            assertEquals(current, ctx.currentValue().orElseThrow().asUtf8());
        }
    }

    @Test
    void closeWipesEveryValueHandedOutAndLeavesTheBuilderUsable() {
        String current = TestValues.text();
        StubRotationContext.Builder builder = StubRotationContext.builder(POLICY).current(SecretValue.ofUtf8(current));
        SecretValue handedOut;
        try (StubRotationContext ctx = builder.build()) {
            handedOut = ctx.currentValue().orElseThrow();
        }
        assertTrue(handedOut.isClosed());
        try (StubRotationContext again = builder.build()) {
            assertArrayEquals(current.getBytes(StandardCharsets.UTF_8), again.currentValue().orElseThrow().bytes());
        }
    }

    @Test
    void toStringShowsNoValue() {
        String current = TestValues.text();
        try (StubRotationContext ctx = StubRotationContext.builder(POLICY).current(SecretValue.ofUtf8(current))
                .pending(SecretValue.ofUtf8(TestValues.text())).build()) {
            assertFalse(ctx.toString().contains(current), ctx::toString);
            assertTrue(ctx.toString().contains("pending v2"), ctx::toString);
        }
    }
}
