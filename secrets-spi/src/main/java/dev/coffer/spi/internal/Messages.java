package dev.coffer.spi.internal;

/** Helpers for building error messages from caller input. Not API. */
public final class Messages {
    private static final int MAX_ECHO = 80;

    private Messages() {}

    /**
     * Echoes caller input (an id, a name, a path) in a message: bounded and without control
     * characters, so whatever was pasted into the field cannot flood logs or forge log lines.
     */
    public static String printable(String s) {
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
