package dev.coffer.spi.rotation.generated;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a generated password is made of: its length and the character classes it uses, each of which
 * appears at least once, minus the characters never to use. Immutable; validated when built.
 *
 * <pre>{@code
 * PasswordPolicy policy = PasswordPolicy.of(24, EnumSet.of(CharClass.LOWER, CharClass.DIGIT), "0oO1lI", null);
 * char[] password = policy.generate(new SecureRandom());   // 24 characters, a lower and a digit among them
 * }</pre>
 */
public final class PasswordPolicy {
    /** The shortest password. */
    public static final int MIN_LENGTH = 8;
    /** The longest password. */
    public static final int MAX_LENGTH = 1024;
    /** The default length. */
    public static final int DEFAULT_LENGTH = 32;
    /** The most characters {@code exclude} may list. */
    public static final int MAX_EXCLUDE = 128;
    /**
     * The default symbols: printable ASCII punctuation without the quotes, backslash, backtick, space
     * and {@code $}, which shells, SQL literals and connection strings treat specially.
     */
    public static final String DEFAULT_SYMBOLS = "!#%&()*+,-./:;<=>?@[]^_{|}~";

    /** A class of characters a password may be required to contain. */
    public enum CharClass {
        /** {@code a-z}. */
        LOWER("abcdefghijklmnopqrstuvwxyz"),
        /** {@code A-Z}. */
        UPPER("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        /** {@code 0-9}. */
        DIGIT("0123456789"),
        /** The policy's symbols ({@link #DEFAULT_SYMBOLS} unless given). */
        SYMBOL(null);

        private final String letters;

        CharClass(String letters) {
            this.letters = letters;
        }

        /** The lower-case name used in params: {@code lower}, {@code upper}, {@code digit}, {@code symbol}. */
        public String paramName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final int length;
    private final Set<CharClass> required;
    private final String exclude;
    private final String symbols;
    /** Per required class, its characters left after {@code exclude}; never empty. */
    private final Map<CharClass, char[]> alphabets;
    /** Every character a password may hold: the union of {@link #alphabets}. */
    private final char[] alphabet;

    private PasswordPolicy(int length, Set<CharClass> required, String exclude, String symbols) {
        this.length = length;
        this.required = Collections.unmodifiableSet(EnumSet.copyOf(required));
        this.exclude = exclude;
        this.symbols = symbols;
        Map<CharClass, char[]> byClass = new EnumMap<>(CharClass.class);
        StringBuilder all = new StringBuilder();
        for (CharClass c : this.required) {
            String letters = c == CharClass.SYMBOL ? symbols : c.letters;
            StringBuilder kept = new StringBuilder();
            letters.chars().filter(ch -> exclude.indexOf(ch) < 0).forEach(ch -> kept.append((char) ch));
            if (kept.length() == 0) {
                throw new IllegalArgumentException("exclude removes every character of the required class "
                        + c.paramName() + ", so no password can contain one");
            }
            byClass.put(c, kept.toString().toCharArray());
            all.append(kept);
        }
        this.alphabets = byClass;
        this.alphabet = all.toString().toCharArray();
    }

    /**
     * A policy.
     *
     * @param length {@value #MIN_LENGTH} to {@value #MAX_LENGTH}
     * @param required the classes the password is made of, each appearing at least once; not empty
     * @param exclude characters never used (at most {@value #MAX_EXCLUDE}); {@code null} for none
     * @param symbols the symbol alphabet: 1 to 64 distinct printable ASCII characters that are neither
     *     letters nor digits nor space; {@code null} for {@link #DEFAULT_SYMBOLS}
     * @throws IllegalArgumentException naming the field and rule broken, never quoting exclude or symbols
     */
    public static PasswordPolicy of(int length, Set<CharClass> required, String exclude, String symbols) {
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new IllegalArgumentException("length must be between " + MIN_LENGTH + " and " + MAX_LENGTH + ", got " + length);
        }
        if (required == null || required.isEmpty()) {
            throw new IllegalArgumentException("require must name at least one of lower, upper, digit, symbol");
        }
        if (length < required.size()) {
            throw new IllegalArgumentException("length " + length + " is shorter than the " + required.size()
                    + " required classes, each of which must appear");
        }
        String ex = exclude == null ? "" : exclude;
        if (ex.length() > MAX_EXCLUDE) {
            throw new IllegalArgumentException("exclude lists at most " + MAX_EXCLUDE + " characters, got " + ex.length());
        }
        String sym = symbols == null ? DEFAULT_SYMBOLS : checkedSymbols(symbols);
        return new PasswordPolicy(length, required, ex, sym);
    }

    /** The default policy: 32 characters of all four classes, default symbols, nothing excluded. */
    public static PasswordPolicy defaults() {
        return of(DEFAULT_LENGTH, EnumSet.allOf(CharClass.class), null, null);
    }

    private static String checkedSymbols(String symbols) {
        if (symbols.isEmpty() || symbols.length() > 64) {
            throw new IllegalArgumentException("symbols must hold 1 to 64 characters, got " + symbols.length());
        }
        for (int i = 0; i < symbols.length(); i++) {
            char ch = symbols.charAt(i);
            if (ch <= ' ' || ch > '~' || Character.isLetterOrDigit(ch)) {
                throw new IllegalArgumentException("symbols must be printable ASCII characters other than letters, digits"
                        + " and space; the character at position " + (i + 1) + " is not");
            }
            if (symbols.indexOf(ch) != i) {
                // a repeated symbol would be chosen more often than the others
                throw new IllegalArgumentException("symbols must not repeat a character; the character at position "
                        + (i + 1) + " repeats an earlier one");
            }
        }
        return symbols;
    }

    /** The length. */
    public int length() {
        return length;
    }

    /** The classes required, each appearing at least once. */
    public Set<CharClass> required() {
        return required;
    }

    /** The characters never used. */
    public String exclude() {
        return exclude;
    }

    /** The symbol alphabet. */
    public String symbols() {
        return symbols;
    }

    /**
     * A new password: one character of each required class at random positions, the rest drawn
     * uniformly from every allowed character. {@link SecureRandom#nextInt(int)} rejects out-of-range
     * draws rather than reducing modulo the bound, so no character is favoured. The caller owns (and
     * wipes) the array.
     */
    public char[] generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        char[] out = new char[length];
        int i = 0;
        for (char[] letters : alphabets.values()) {
            out[i++] = letters[random.nextInt(letters.length)];
        }
        while (i < length) {
            out[i++] = alphabet[random.nextInt(alphabet.length)];
        }
        // Fisher-Yates, so the guaranteed characters sit at uniformly random positions
        for (int j = length - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            char t = out[j];
            out[j] = out[k];
            out[k] = t;
        }
        return out;
    }

    /**
     * Why {@code password} does not meet this policy, or empty if it does. The reason names the rule
     * (length, a missing class, a character outside the alphabet), never a character of the password.
     */
    public Optional<String> violation(CharSequence password) {
        if (password.length() != length) {
            return Optional.of("it has " + password.length() + " characters, the policy wants " + length);
        }
        EnumSet<CharClass> seen = EnumSet.noneOf(CharClass.class);
        for (int i = 0; i < password.length(); i++) {
            char ch = password.charAt(i);
            CharClass c = classOf(ch);
            if (c == null) {
                return Optional.of("the character at position " + (i + 1) + " is not allowed by the policy");
            }
            seen.add(c);
        }
        for (CharClass c : required) {
            if (!seen.contains(c)) {
                return Optional.of("it has no character of the required class " + c.paramName());
            }
        }
        return Optional.empty();
    }

    private CharClass classOf(char ch) {
        for (Map.Entry<CharClass, char[]> e : alphabets.entrySet()) {
            for (char allowed : e.getValue()) {
                if (allowed == ch) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordPolicy p && p.length == length && p.required.equals(required)
                && p.exclude.equals(exclude) && p.symbols.equals(symbols);
    }

    @Override
    public int hashCode() {
        return Objects.hash(length, required, exclude, symbols);
    }

    /** Length and classes; exclude and symbols by size only. */
    @Override
    public String toString() {
        return "PasswordPolicy[length=" + length + ", require=" + required + ", exclude=" + exclude.length()
                + " chars, symbols=" + symbols.length() + " chars]";
    }

    /** For tests of uniformity: every allowed character, in class order. */
    String alphabet() {
        return new String(alphabet);
    }
}
