package dev.coffer.jdbi.internal;

/** Message helpers. */
public final class Text {
    private Text() {}

    /**
     * Echoes caller input (an id, a name) in a message: bounded and without control characters,
     * so whatever was pasted into the field cannot flood logs or forge log lines.
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 80; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > 80) {
            out.append("...");
        }
        return out.toString();
    }
}
