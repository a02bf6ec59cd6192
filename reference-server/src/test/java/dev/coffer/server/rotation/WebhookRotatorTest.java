package dev.coffer.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.LogCapture;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.spi.rotation.generated.PasswordPolicy;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.rotation.StubRotationContext;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook rotator against {@link TestWebhookServer}, a real HTTP receiver on 127.0.0.1 that
 * verifies signatures with the documented snippet. {@link NoValueLeaks} scans every test's logs,
 * console and exceptions for the values (and their base64 forms) and the signing key.
 */
@ExtendWith(NoValueLeaks.class)
class WebhookRotatorTest {
    private static final String KEY_SECRET = "prod/rotation/webhook-key";

    private final byte[] key = remembered(TestValues.text() + "-signing-key").getBytes(StandardCharsets.UTF_8);
    private final byte[] current = value();
    private final byte[] previous = value();
    private TestWebhookServer server;
    private final WebhookRotator rotator = new WebhookRotator();

    @BeforeEach
    void start() throws Exception {
        server = TestWebhookServer.start(key, current);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ------------------------------------------------------------------ happy paths

    @Test
    void createWithAnEmptyAnswerGeneratesTheGeneratedRotatorsDefaultPasswordAndChangesNothingDownstream() {
        byte[] made = create(rotator, Map.of());

        String text = new String(made, StandardCharsets.UTF_8);
        assertEquals(java.util.Optional.empty(), PasswordPolicy.defaults().violation(text),
                "a generated value meets the generated rotator's default policy");
        assertEquals(32, text.length());
        assertFalse(server.accepts(made), "create changes nothing downstream");
        assertEquals(0, server.changes());
        TestWebhookServer.Received call = server.last();
        assertEquals("create", call.step());
        assertTrue(call.signatureValid(), "the receiver verified the signature");
        assertEquals(List.of("currentValueBase64"), TestWebhookServer.valueFields(call.body()),
                "create carries the current value only");
    }

    @Test
    void createTakesTheValueTheReceiverAnswers() {
        server.supplyValues(true);
        byte[] first = create(rotator, Map.of());
        byte[] again = create(rotator, Map.of());

        assertTrue(new String(first, StandardCharsets.UTF_8).startsWith("supplied-"), "the receiver's value is used");
        assertEquals(new String(first, StandardCharsets.UTF_8), new String(again, StandardCharsets.UTF_8),
                "a repeated create of the same run and attempt gets the receiver's deduplicated answer");
    }

    @Test
    void createTakesAValueBase64TheReceiverAnswersAsBytes() throws Exception {
        byte[] binary = {0, (byte) 0xff, 0x10, (byte) 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        try (var receiver = OneShotServer.answering(200, "{\"valueBase64\":\"" + Base64.getEncoder().encodeToString(binary) + "\"}")) {
            byte[] made = create(rotator, Map.of("url", receiver.url()));
            assertEquals(Base64.getEncoder().encodeToString(binary), Base64.getEncoder().encodeToString(made));
        }
    }

    @Test
    void everyStepOfARotationReachesTheReceiverSignedAndTheNewValueEndsCurrent() {
        byte[] pending = create(rotator, Map.of());
        step(RunState.CREATED, pending, rotator::apply);
        assertTrue(server.accepts(pending), "apply makes the downstream accept the pending value");
        assertTrue(server.accepts(current), "the current value keeps working after apply");
        step(RunState.APPLIED, pending, rotator::test);
        step(RunState.PROMOTED, pending, rotator::finish);
        assertTrue(server.isCurrent(pending), "finish makes the new value the downstream's current one");
        retire(pending);
        assertFalse(server.accepts(current), "retire revokes the old value");
        assertTrue(server.accepts(pending));

        List<TestWebhookServer.Received> calls = server.received();
        assertEquals(List.of("create", "apply", "test", "finish", "retire"), calls.stream().map(TestWebhookServer.Received::step).toList());
        for (TestWebhookServer.Received call : calls) {
            assertTrue(call.signatureValid(), call.step() + " carries a valid signature");
            assertEquals("rot_tckrun", call.runIdHeader(), "Coffer-Run-Id names the run");
            assertEquals("rot_tckrun", call.body().getString("runId"));
            assertEquals("sec_tckrotated", call.body().getString("secretId"));
            assertEquals("prod", call.body().getString("environment"));
            assertEquals("tck/rotated", call.body().getString("path"));
            assertEquals(StubRotationContext.TENANT, call.body().getString("tenant"));
            assertEquals(0, call.body().getInt("attempt"));
            assertFalse(call.body().getBoolean("testOnly"));
            assertEquals("application/json", call.contentType());
            assertEquals(WebhookCall.USER_AGENT, call.userAgent());
        }
        assertEquals(List.of("currentValueBase64", "pendingValueBase64", "previousValueBase64"),
                TestWebhookServer.valueFields(calls.get(1).body()), "apply carries pending, current and previous");
        assertEquals(List.of("pendingValueBase64"), TestWebhookServer.valueFields(calls.get(2).body()), "test carries pending only");
        assertEquals(List.of("pendingValueBase64"), TestWebhookServer.valueFields(calls.get(3).body()), "finish carries the new value only");
        assertEquals(List.of("retiredValueBase64"), TestWebhookServer.valueFields(calls.get(4).body()), "retire carries the retired value only");
        assertEquals(StubRotationContext.CURRENT_VERSION, calls.get(4).body().getInt("retiredVersion"));
        assertEquals(StubRotationContext.PENDING_VERSION, calls.get(1).body().getInt("pendingVersion"));
        assertEquals(StubRotationContext.CURRENT_VERSION, calls.get(1).body().getInt("currentVersion"));
        assertTrue(calls.get(0).body().isNull("pendingVersion"), "create has no pending version yet");
    }

    @Test
    void discardAfterApplyRevokesThePendingValueAndKeepsTheCurrentOne() {
        byte[] pending = create(rotator, Map.of());
        step(RunState.CREATED, pending, rotator::apply);
        step(RunState.APPLIED, pending, rotator::discard);

        assertFalse(server.accepts(pending), "discard revokes the pending value");
        assertTrue(server.accepts(current), "the current value still works");
        assertEquals(List.of("currentValueBase64", "pendingValueBase64"), TestWebhookServer.valueFields(server.last().body()));
    }

    @Test
    void discardOfARunThatCreatedNothingSendsNothing() {
        try (StubRotationContext ctx = context(Map.of()).state(RunState.STARTED).build()) {
            rotator.discard(ctx);
        }
        assertTrue(server.received().isEmpty(), "nothing was created, so there is nothing to undo downstream");
    }

    @Test
    void repeatingEveryStepChangesTheDownstreamOnceAndEveryRepeatSucceeds() {
        byte[] pending = create(rotator, Map.of());
        for (int i = 0; i < 2; i++) {
            step(RunState.CREATED, pending, rotator::apply);
            step(RunState.APPLIED, pending, rotator::test);
            step(RunState.PROMOTED, pending, rotator::finish);
        }
        retire(pending);
        retire(pending);

        assertEquals(3, server.changes(), "apply, finish and retire each changed the downstream once");
        assertTrue(server.isCurrent(pending));
        assertFalse(server.accepts(current));
    }

    @Test
    void theRotatorIsFoundByServiceLoaderAsWebhook() {
        Rotator found = Rotators.discover(getClass().getClassLoader()).require("webhook");
        assertInstanceOf(WebhookRotator.class, found);
        assertEquals(java.util.Set.of("signingKeySecret"), found.secretParams(params(Map.of())));
    }

    // ------------------------------------------------------------------ signatures

    @Test
    void aCallSignedWithAnotherKeyIsRefusedByTheReceiver() {
        byte[] wrongKey = remembered(TestValues.text() + "-wrong-signing-key").getBytes(StandardCharsets.UTF_8);
        RotationException e = assertThrows(RotationException.class, () -> {
            try (StubRotationContext ctx = context(Map.of()).referencedSecret("signingKeySecret", SecretValue.of(wrongKey)).build()) {
                rotator.create(ctx);
            }
        });
        assertEquals("SIGNATURE_INVALID", e.reason(), "the receiver's problem code becomes the reason");
        assertFalse(server.last().signatureValid());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void aCallWhoseTimestampIsTenMinutesOldIsRefusedByTheReceiver() {
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        WebhookRotator slow = new WebhookRotator(HttpClient.newHttpClient(), late);
        RotationException e = assertThrows(RotationException.class, () -> create(slow, Map.of()));
        assertEquals("SIGNATURE_INVALID", e.reason());
    }

    @Test
    void aSigningKeyShorterThan32BytesIsRefusedBeforeAnythingIsSent() {
        RotationException e = assertThrows(RotationException.class, () -> {
            try (StubRotationContext ctx = context(Map.of())
                    .referencedSecret("signingKeySecret", SecretValue.ofUtf8("only-31-bytes-long-signing-key!")).build()) {
                rotator.create(ctx);
            }
        });
        assertEquals("WEBHOOK_SIGNING_KEY_TOO_SHORT", e.reason());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void aSigningKeySecretTheContextCannotReadIsACodedFailure() {
        RotationPolicy policy = RotationPolicy.builder("webhook", RotationSchedule.parse("30d")).params(params(Map.of())).build();
        RotationException e = assertThrows(RotationException.class, () -> {
            try (StubRotationContext ctx = StubRotationContext.builder(policy).current(SecretValue.of(current)).build()) {
                rotator.create(ctx);
            }
        });
        assertEquals("WEBHOOK_SIGNING_KEY_UNAVAILABLE", e.reason());
        assertTrue(e.getMessage().contains(KEY_SECRET), "the message names the secret: " + e.getMessage());
    }

    // ------------------------------------------------------------------ failures

    static List<Arguments> failures() {
        return List.of(
                Arguments.of(WebhookStep.APPLY, TestWebhookServer.Failure.STATUS_500, "WEBHOOK_HTTP_500", false),
                Arguments.of(WebhookStep.APPLY, TestWebhookServer.Failure.PROBLEM_503, "DOWNSTREAM_DOWN", false),
                Arguments.of(WebhookStep.APPLY, TestWebhookServer.Failure.REJECT_VALUE, "VALUE_REJECTED", true),
                Arguments.of(WebhookStep.TEST, TestWebhookServer.Failure.HANG, "WEBHOOK_UNAVAILABLE", false),
                Arguments.of(WebhookStep.APPLY, TestWebhookServer.Failure.TRICKLE, "WEBHOOK_UNAVAILABLE", false),
                Arguments.of(WebhookStep.TEST, TestWebhookServer.Failure.OVERSIZE_CHUNKED, "WEBHOOK_RESPONSE_TOO_LARGE", false),
                Arguments.of(WebhookStep.FINISH, TestWebhookServer.Failure.OVERSIZE_DECLARED, "WEBHOOK_RESPONSE_TOO_LARGE", false),
                Arguments.of(WebhookStep.APPLY, TestWebhookServer.Failure.REDIRECT, "WEBHOOK_HTTP_302", false),
                Arguments.of(WebhookStep.CREATE, TestWebhookServer.Failure.NOT_JSON, "WEBHOOK_BAD_RESPONSE", false),
                Arguments.of(WebhookStep.CREATE, TestWebhookServer.Failure.BOTH_FIELDS, "WEBHOOK_BAD_RESPONSE", false),
                Arguments.of(WebhookStep.CREATE, TestWebhookServer.Failure.BAD_BASE64, "WEBHOOK_BAD_RESPONSE", false),
                Arguments.of(WebhookStep.DISCARD, TestWebhookServer.Failure.STATUS_500, "WEBHOOK_HTTP_500", false),
                Arguments.of(WebhookStep.RETIRE, TestWebhookServer.Failure.PROBLEM_503, "DOWNSTREAM_DOWN", false));
    }

    @ParameterizedTest(name = "{1} on {0} gives {2}")
    @MethodSource("failures")
    void aFailingReceiverGivesTheDocumentedReasonAndNoValueAnywhere(WebhookStep step, TestWebhookServer.Failure how,
            String reason, boolean valueRejected) {
        server.fail(step, how);
        RotationException e;
        try (LogCapture log = LogCapture.start()) {
            e = assertThrows(RotationException.class, () -> call(step, Map.of("timeout", "1s")));
            String everything = log.text() + rendered(e);
            assertTrue(log.text().contains("webhook step " + step.wireName()), "the failure is logged (at FINE): " + log.text());
            // not assertNull: its failure message would print the value it found
            assertTrue(NoValueLeaks.firstIssuedValueIn(everything) == null,
                    "no value, base64 form or key in the log or the exception");
        }
        assertEquals(reason, e.reason());
        assertEquals(valueRejected, e.valueRejected());
        assertTrue(e.getMessage().contains("webhook step " + step.wireName() + " of run rot_tckrun at http://127.0.0.1:"),
                "the message names the step, the run and the origin: " + e.getMessage());
        assertFalse(e.getMessage().contains("/rotate"), "the message names the origin, not the URL's path");
    }

    @Test
    void aRedirectIsNotFollowed() {
        server.fail(WebhookStep.APPLY, TestWebhookServer.Failure.REDIRECT);
        assertThrows(RotationException.class, () -> call(WebhookStep.APPLY, Map.of()));
        assertEquals(List.of("/rotate"), server.received().stream().map(TestWebhookServer.Received::path).toList());
    }

    @Test
    void aReceiverThatIsNotListeningIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RotationException e = assertThrows(RotationException.class,
                () -> call(WebhookStep.TEST, Map.of("url", "http://127.0.0.1:" + closedPort + "/rotate")));
        assertEquals("WEBHOOK_UNAVAILABLE", e.reason());
        assertFalse(e.valueRejected());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void aTestOfAValueTheDownstreamNeverAcceptedIsRefusedWithTheReceiversCode() {
        byte[] neverApplied = value();
        RotationException e = assertThrows(RotationException.class, () -> step(RunState.APPLIED, neverApplied, rotator::test));
        assertEquals("LOGIN_REFUSED", e.reason());
        assertFalse(e.getMessage().contains("the downstream refuses"), "the receiver's detail is not copied into the message");
    }

    @Test
    void aProblemCodeThatIsNotACodeFallsBackToTheStatus() throws Exception {
        try (var receiver = OneShotServer.answering(409, "{\"code\":\"not a code: " + TestValues.text() + "\",\"valueRejected\":\"yes\"}")) {
            RotationException e = assertThrows(RotationException.class, () -> call(WebhookStep.APPLY, Map.of("url", receiver.url())));
            assertEquals("WEBHOOK_HTTP_409", e.reason());
            assertFalse(e.valueRejected(), "only a JSON true marks the value rejected");
            NoValueLeaks.assertNoValueIn(e);
        }
    }

    @Test
    void aCreateAnswerWithAnEmptyValueIsABadResponse() throws Exception {
        try (var receiver = OneShotServer.answering(200, "{\"value\":\"\"}")) {
            RotationException e = assertThrows(RotationException.class, () -> create(rotator, Map.of("url", receiver.url())));
            assertEquals("WEBHOOK_BAD_RESPONSE", e.reason());
        }
    }

    @Test
    void aCreateAnswerWithNeitherFieldIsABadResponse() throws Exception {
        try (var receiver = OneShotServer.answering(200, "{\"password\":\"" + TestValues.text() + "\"}")) {
            RotationException e = assertThrows(RotationException.class, () -> create(rotator, Map.of("url", receiver.url())));
            assertEquals("WEBHOOK_BAD_RESPONSE", e.reason());
            assertTrue(e.getMessage().contains("got neither field"), e.getMessage());
        }
    }

    @Test
    void aCreateAnswerWithAValueAbove64KiBIsABadResponse() throws Exception {
        byte[] big = new byte[SecretValue.MAX_BYTES + 1];
        try (var receiver = OneShotServer.answering(200, "{\"valueBase64\":\"" + Base64.getEncoder().encodeToString(big) + "\"}")) {
            RotationException e = assertThrows(RotationException.class, () -> create(rotator, Map.of("url", receiver.url())));
            assertEquals("WEBHOOK_BAD_RESPONSE", e.reason());
            assertTrue(e.getMessage().contains("more than 65536 bytes"), e.getMessage());
        }
    }

    @Test
    void aCreateAnswerOfTheLargestValueInBase64FitsTheResponseBound() throws Exception {
        byte[] largest = new byte[SecretValue.MAX_BYTES];
        new java.util.Random(7).nextBytes(largest);
        try (var receiver = OneShotServer.answering(200, "{\"valueBase64\":\"" + Base64.getEncoder().encodeToString(largest) + "\"}")) {
            byte[] made = create(rotator, Map.of("url", receiver.url()));
            assertEquals(SecretValue.MAX_BYTES, made.length);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void call(WebhookStep step, Map<String, String> overrides) {
        byte[] pending = value();
        switch (step) {
            case CREATE -> create(rotator, overrides);
            case APPLY -> step(RunState.CREATED, pending, overrides, rotator::apply);
            case TEST -> step(RunState.APPLIED, pending, overrides, rotator::test);
            case FINISH -> step(RunState.PROMOTED, pending, overrides, rotator::finish);
            case DISCARD -> step(RunState.APPLIED, pending, overrides, rotator::discard);
            case RETIRE -> {
                try (StubRotationContext ctx = context(overrides).current(2, SecretValue.of(pending)).state(RunState.FINISHED).build()) {
                    rotator.retire(ctx, 1, SecretValue.of(current));
                }
            }
        }
    }

    private byte[] create(WebhookRotator r, Map<String, String> overrides) {
        try (StubRotationContext ctx = context(overrides).build(); SecretValue made = r.create(ctx)) {
            byte[] bytes = made.bytes();
            remembered(new String(bytes, StandardCharsets.ISO_8859_1));
            remembered(Base64.getEncoder().encodeToString(bytes));
            return bytes;
        }
    }

    private void step(RunState lastDone, byte[] pending, Consumer<StubRotationContext> step) {
        step(lastDone, pending, Map.of(), step);
    }

    private void step(RunState lastDone, byte[] pending, Map<String, String> overrides, Consumer<StubRotationContext> step) {
        try (StubRotationContext ctx = context(overrides).pending(SecretValue.of(pending)).state(lastDone).build()) {
            step.accept(ctx);
        }
    }

    private void retire(byte[] newValue) {
        try (StubRotationContext ctx = context(Map.of()).current(2, SecretValue.of(newValue)).state(RunState.FINISHED).build();
                SecretValue old = SecretValue.of(current)) {
            rotator.retire(ctx, 1, old);
        }
    }

    private StubRotationContext.Builder context(Map<String, String> overrides) {
        RotationPolicy policy = RotationPolicy.builder("webhook", RotationSchedule.parse("30d")).params(params(overrides)).build();
        return StubRotationContext.builder(policy)
                .current(SecretValue.of(current))
                .previous(SecretValue.of(previous))
                .referencedSecret("signingKeySecret", SecretValue.of(key));
    }

    private Map<String, String> params(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("url", server.url().toString());
        p.put("signingKeySecret", KEY_SECRET);
        p.putAll(overrides);
        return p;
    }

    /** A fresh test value, remembered for leak scans as text and as the base64 the bodies carry. */
    private static byte[] value() {
        byte[] v = TestValues.text().getBytes(StandardCharsets.UTF_8);
        remembered(Base64.getEncoder().encodeToString(v));
        return v;
    }

    private static String remembered(String s) {
        return TestValues.remember(s);
    }

    private static String rendered(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        List<String> parts = new ArrayList<>(List.of(out.toString()));
        for (Throwable c = t; c != null; c = c.getCause()) {
            parts.add(String.valueOf(c.getMessage()));
        }
        return String.join("\n", parts);
    }
}
