package dev.coffer.spi.internal;

/** Helpers for building error messages from caller input. Not API. */
public final class Messages {
    private static final int MAX_ECHO = 80;

    private Messages() {}

    /**
     * Echoes a name (an id, a field name, a path that passed its rules) in a message: bounded and
     * without control characters or surrogates, so whatever was pasted into it cannot flood logs,
     * forge log lines or break the encoding of a response. Refused input is described, not
     * echoed: messages name the field and the rule it broke.
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < MAX_ECHO; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        if (s.length() > MAX_ECHO) {
            out.append("...");
        }
        return out.toString();
    }
}
