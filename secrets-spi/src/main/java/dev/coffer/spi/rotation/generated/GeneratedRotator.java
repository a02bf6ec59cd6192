package dev.coffer.spi.rotation.generated;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.Rotator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code generated} rotator: the new value is random, and nothing downstream needs to learn it
 * (the consumers read it from Coffer). Its params describe either a password or random bytes:
 *
 * <ul>
 *   <li>a password: {@code length} ({@value PasswordPolicy#MIN_LENGTH} to {@value PasswordPolicy#MAX_LENGTH},
 *       default {@value PasswordPolicy#DEFAULT_LENGTH}), {@code require} (a comma list of the classes it
 *       is made of, each appearing at least once, among {@code lower,upper,digit,symbol}; default all
 *       four), {@code exclude} (characters never used, at most {@value PasswordPolicy#MAX_EXCLUDE}) and
 *       {@code symbols} (the symbol alphabet; default {@value PasswordPolicy#DEFAULT_SYMBOLS});</li>
 *   <li>random bytes: {@code bytes} ({@value RandomBytes#MIN_BYTES} to {@value RandomBytes#MAX_BYTES})
 *       and {@code encoding} ({@code base64}, the default, {@code base64url} or {@code hex}).</li>
 * </ul>
 *
 * <p>No params at all give the default password. {@code apply} does nothing and {@code test} checks
 * that the pending value meets the params (reason {@code POLICY_MISMATCH}).
 *
 * <pre>{@code
 * RotationPolicy.builder("generated", RotationSchedule.parse("30d"))
 *         .param("length", "24").param("require", "lower,upper,digit").param("exclude", "0O1lI")
 *         .build();
 * }</pre>
 */
public final class GeneratedRotator implements Rotator {
    /** The name policies use. */
    public static final String NAME = "generated";
    /** The reason {@code test} gives for a pending value that does not meet the params. */
    public static final String POLICY_MISMATCH = "POLICY_MISMATCH";

    static final String LENGTH = "length";
    static final String REQUIRE = "require";
    static final String EXCLUDE = "exclude";
    static final String SYMBOLS = "symbols";
    static final String BYTES = "bytes";
    static final String ENCODING = "encoding";
    private static final Set<String> PASSWORD_PARAMS = Set.of(LENGTH, REQUIRE, EXCLUDE, SYMBOLS);
    private static final Set<String> KNOWN = Set.of(LENGTH, REQUIRE, EXCLUDE, SYMBOLS, BYTES, ENCODING);
    /** Plain decimal: no sign, no spaces, no leading zeros to hide a length in. */
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,5}");

    private final SecureRandom random;

    /** A rotator drawing from a new {@link SecureRandom} (the platform's default, non-blocking source). */
    public GeneratedRotator() {
        this(new SecureRandom());
    }

    /** A rotator drawing from {@code random}. */
    public GeneratedRotator(SecureRandom random) {
        this.random = java.util.Objects.requireNonNull(random, "random");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(Map<String, String> params) {
        recipe(params);
    }

    @Override
    public SecretValue create(RotationContext ctx) {
        char[] value = recipe(ctx.policy().params()).generate(random);
        try {
            return SecretValue.ofUtf8(value);
        } finally {
            Arrays.fill(value, '\0');
        }
    }

    /** Nothing downstream: the consumers read the new value from Coffer. */
    @Override
    public void apply(RotationContext ctx) {
    }

    /** Checks that the pending value meets the params (it does, unless something else wrote it). */
    @Override
    public void test(RotationContext ctx) {
        Recipe recipe = recipe(ctx.policy().params());
        SecretValue pending = ctx.pendingValue();
        Optional<String> violation;
        CharBuffer text = null;
        byte[] bytes = pending.bytes();
        try {
            // decoded into a buffer we can wipe, rather than a String we cannot
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            violation = recipe.violation(text);
        } catch (CharacterCodingException notText) {
            violation = Optional.of("it is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (text != null && text.hasArray()) {
                Arrays.fill(text.array(), '\0');
            }
        }
        if (violation.isPresent()) {
            throw new RotationException(POLICY_MISMATCH, true, "the pending value of " + ctx.secret().path()
                    + " does not meet the generated rotator's params: " + violation.get());
        }
    }

    /** What the params describe. */
    private sealed interface Recipe permits PasswordRecipe, BytesRecipe {
        char[] generate(SecureRandom random);

        Optional<String> violation(CharSequence text);
    }

    private record PasswordRecipe(PasswordPolicy policy) implements Recipe {
        public char[] generate(SecureRandom random) {
            return policy.generate(random);
        }

        public Optional<String> violation(CharSequence text) {
            return policy.violation(text);
        }
    }

    private record BytesRecipe(RandomBytes spec) implements Recipe {
        public char[] generate(SecureRandom random) {
            return spec.generate(random);
        }

        public Optional<String> violation(CharSequence text) {
            return spec.violation(text.toString());
        }
    }

    private static Recipe recipe(Map<String, String> params) {
        Map<String, String> p = params == null ? Map.of() : params;
        Set<String> unknown = new TreeSet<>(p.keySet());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw invalid("param " + Messages.printable(unknown.iterator().next()) + " is not a param of the generated"
                    + " rotator; it takes length, require, exclude, symbols (a password) or bytes, encoding (random bytes)");
        }
        if (p.containsKey(BYTES)) {
            Set<String> mixed = new TreeSet<>(p.keySet());
            mixed.retainAll(PASSWORD_PARAMS);
            if (!mixed.isEmpty()) {
                throw invalid("param bytes (random bytes) cannot be combined with the password param " + mixed.iterator().next());
            }
            int bytes = number(p, BYTES, RandomBytes.MIN_BYTES, RandomBytes.MAX_BYTES);
            return new BytesRecipe(RandomBytes.of(bytes, encoding(p.getOrDefault(ENCODING, "base64"))));
        }
        if (p.containsKey(ENCODING)) {
            throw invalid("param encoding needs param bytes (how many random bytes to encode)");
        }
        int length = p.containsKey(LENGTH)
                ? number(p, LENGTH, PasswordPolicy.MIN_LENGTH, PasswordPolicy.MAX_LENGTH)
                : PasswordPolicy.DEFAULT_LENGTH;
        Set<PasswordPolicy.CharClass> required = p.containsKey(REQUIRE)
                ? classes(p.get(REQUIRE))
                : EnumSet.allOf(PasswordPolicy.CharClass.class);
        if (p.containsKey(SYMBOLS) && !required.contains(PasswordPolicy.CharClass.SYMBOL)) {
            throw invalid("param symbols is given but param require leaves out symbol, so no symbol would be used");
        }
        String exclude = p.get(EXCLUDE);
        if (exclude != null && exclude.length() > PasswordPolicy.MAX_EXCLUDE) {
            throw invalid("param exclude lists at most " + PasswordPolicy.MAX_EXCLUDE + " characters, got " + exclude.length());
        }
        try {
            return new PasswordRecipe(PasswordPolicy.of(length, required, exclude, p.get(SYMBOLS)));
        } catch (IllegalArgumentException impossible) {
            // PasswordPolicy names its field; as a param the message begins with it
            throw invalid("param " + impossible.getMessage());
        }
    }

    private static int number(Map<String, String> p, String param, int min, int max) {
        String text = p.get(param);
        if (text == null || !NUMBER.matcher(text).matches()) {
            throw invalid("param " + param + " must be a whole number between " + min + " and " + max
                    + " written in decimal digits");
        }
        int n = Integer.parseInt(text);
        if (n < min || n > max) {
            throw invalid("param " + param + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static RandomBytes.Encoding encoding(String text) {
        for (RandomBytes.Encoding e : RandomBytes.Encoding.values()) {
            if (e.paramName().equals(text)) {
                return e;
            }
        }
        throw invalid("param encoding must be base64, base64url or hex");
    }

    private static Set<PasswordPolicy.CharClass> classes(String list) {
        EnumSet<PasswordPolicy.CharClass> out = EnumSet.noneOf(PasswordPolicy.CharClass.class);
        List<String> items = List.of(list.split(",", -1));
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            String name = item.trim().toLowerCase(Locale.ROOT);
            PasswordPolicy.CharClass found = null;
            for (PasswordPolicy.CharClass c : PasswordPolicy.CharClass.values()) {
                if (c.paramName().equals(name)) {
                    found = c;
                }
            }
            if (found == null) {
                throw invalid("param require is a comma list of lower, upper, digit, symbol; item " + (i + 1)
                        + " is none of them");
            }
            out.add(found);
        }
        return out;
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, message);
    }
}
