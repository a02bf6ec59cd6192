package dev.coffer.server.internal;

/** Echoes caller input in messages: bounded, control characters replaced. Not API. */
public final class Printable {
    private static final int MAX_ECHO = 64;

    private Printable() {}

    /** {@code s} shortened to 64 characters with control characters as {@code ?}. */
    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < MAX_ECHO; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > MAX_ECHO) {
            out.append("...");
        }
        return out.toString();
    }
}
