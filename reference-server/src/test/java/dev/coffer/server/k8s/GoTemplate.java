package dev.coffer.server.k8s;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Test-only: the few parts of Go's {@code text/template} (with the two Sprig functions) that the
 * External Secrets webhook examples use, rendered the way External Secrets Operator renders a
 * webhook store's {@code url}, {@code headers} and {@code result.jsonPath}. Anything else a
 * template holds is refused, so an example cannot quietly rely on something this does not model.
 *
 * <pre>{@code
 * GoTemplate.render("/v1/secrets/{{ .remoteRef.key | replace \"%2F\" \"/\" }}",
 *         Map.of("remoteRef", Map.of("key", GoTemplate.queryEscape("prod/db"))));  // "/v1/secrets/prod/db"
 * }</pre>
 *
 * <p>Modelled: text; {@code {{ pipeline }}}; {@code if}, {@code with}, {@code else}, {@code end};
 * pipelines of {@code |}-separated commands, the previous result passed as the last argument;
 * fields ({@code .a.b}, relative to dot) and {@code .}; double-quoted string literals; Sprig's
 * {@code replace old new src} and {@code regexMatch regex s}. Not modelled, and refused: trim
 * markers, variables, {@code range}, other functions, comments. Unlike Go, an unknown field is an
 * error here (Go prints an empty value), so a typo in an example fails the test.
 */
final class GoTemplate {
    private GoTemplate() {}

    /**
     * Go's {@code url.QueryEscape}, which External Secrets applies to every {@code remoteRef} field
     * before it renders the {@code url} (never the headers or body): unreserved characters
     * ({@code A-Z a-z 0-9 - _ . ~}) stay, a space becomes {@code +}, everything else is
     * {@code %XX} in upper-case hex of the UTF-8 bytes. {@link URLEncoder} differs from it only in
     * {@code *} (kept by Java, escaped by Go) and {@code ~} (escaped by Java, kept by Go).
     */
    static String queryEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    /** Renders {@code template} over {@code data} (maps of maps of strings, as External Secrets passes). */
    static String render(String template, Map<String, ?> data) {
        List<Object> tokens = tokenize(template);
        int[] at = {0};
        List<Node> nodes = parse(tokens, at, false);
        if (at[0] != tokens.size()) {
            throw new IllegalArgumentException("template: an {{ end }} or {{ else }} without its {{ if }} or {{ with }}");
        }
        StringBuilder out = new StringBuilder();
        for (Node n : nodes) {
            n.render(data, data, out);
        }
        return out.toString();
    }

    private sealed interface Node permits Text, Print, Block {
        void render(Map<String, ?> root, Object dot, StringBuilder out);
    }

    private record Text(String text) implements Node {
        @Override
        public void render(Map<String, ?> root, Object dot, StringBuilder out) {
            out.append(text);
        }
    }

    private record Print(List<List<String>> pipeline) implements Node {
        @Override
        public void render(Map<String, ?> root, Object dot, StringBuilder out) {
            out.append(print(evaluate(pipeline, dot)));
        }
    }

    private record Block(boolean with, List<List<String>> pipeline, List<Node> then, List<Node> otherwise) implements Node {
        @Override
        public void render(Map<String, ?> root, Object dot, StringBuilder out) {
            Object value = evaluate(pipeline, dot);
            boolean truth = value instanceof Boolean b ? b : value instanceof String s ? !s.isEmpty() : value != null;
            for (Node n : truth ? then : otherwise) {
                n.render(root, truth && with ? value : dot, out);
            }
        }
    }

    /** Text as String, actions as a List of words (commands separated by "|" words). */
    private static List<Object> tokenize(String template) {
        List<Object> tokens = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                tokens.add(template.substring(i));
                break;
            }
            if (open > i) {
                tokens.add(template.substring(i, open));
            }
            int close = closing(template, open + 2);
            String action = template.substring(open + 2, close);
            if (action.startsWith("-") || action.endsWith("-") || action.startsWith("/*")) {
                throw new IllegalArgumentException("template: trim markers and comments are not modelled");
            }
            tokens.add(words(action));
            i = close + 2;
        }
        return tokens;
    }

    private static int closing(String template, int from) {
        boolean quoted = false;
        for (int i = from; i < template.length() - 1; i++) {
            char c = template.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '}' && template.charAt(i + 1) == '}') {
                return i;
            }
        }
        throw new IllegalArgumentException("template: an unclosed {{ at offset " + (from - 2));
    }

    private static List<String> words(String action) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < action.length()) {
            char c = action.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '"') {
                StringBuilder literal = new StringBuilder("\"");
                i++;
                while (action.charAt(i) != '"') {
                    char d = action.charAt(i);
                    if (d == '\\') {
                        char next = action.charAt(++i);
                        if (next != '"' && next != '\\') {
                            throw new IllegalArgumentException("template: only \\\" and \\\\ escapes are modelled");
                        }
                        d = next;
                    }
                    literal.append(d);
                    i++;
                }
                words.add(literal.toString());
                i++;
            } else {
                int end = i;
                while (end < action.length() && " \t\"".indexOf(action.charAt(end)) < 0) {
                    end++;
                }
                words.add(action.substring(i, end));
                i = end;
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("template: an empty action");
        }
        return words;
    }

    private static List<Node> parse(List<Object> tokens, int[] at, boolean inBlock) {
        List<Node> nodes = new ArrayList<>();
        while (at[0] < tokens.size()) {
            Object t = tokens.get(at[0]);
            if (t instanceof String text) {
                nodes.add(new Text(text));
                at[0]++;
                continue;
            }
            @SuppressWarnings("unchecked")
            List<String> words = (List<String>) t;
            String first = words.get(0);
            if (first.equals("end") || first.equals("else")) {
                if (!inBlock) {
                    throw new IllegalArgumentException("template: {{ " + first + " }} outside {{ if }} or {{ with }}");
                }
                return nodes;
            }
            at[0]++;
            if (first.equals("if") || first.equals("with")) {
                List<List<String>> pipeline = pipeline(words.subList(1, words.size()));
                List<Node> then = parse(tokens, at, true);
                List<Node> otherwise = List.of();
                if (word(tokens, at).equals("else")) {
                    at[0]++;
                    otherwise = parse(tokens, at, true);
                }
                if (!word(tokens, at).equals("end")) {
                    throw new IllegalArgumentException("template: {{ " + first + " }} without {{ end }}");
                }
                at[0]++;
                nodes.add(new Block(first.equals("with"), pipeline, then, otherwise));
            } else if (first.equals("range") || first.equals("define") || first.equals("template") || first.startsWith("$")) {
                throw new IllegalArgumentException("template: {{ " + first + " }} is not modelled");
            } else {
                nodes.add(new Print(pipeline(words)));
            }
        }
        return nodes;
    }

    private static String word(List<Object> tokens, int[] at) {
        if (at[0] >= tokens.size() || !(tokens.get(at[0]) instanceof List<?> words)) {
            return "";
        }
        return (String) words.get(0);
    }

    private static List<List<String>> pipeline(List<String> words) {
        List<List<String>> commands = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (String w : words) {
            if (w.equals("|")) {
                commands.add(command);
                command = new ArrayList<>();
            } else {
                command.add(w);
            }
        }
        commands.add(command);
        if (commands.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("template: an empty command in a pipeline");
        }
        return commands;
    }

    private static Object evaluate(List<List<String>> pipeline, Object dot) {
        Object piped = null;
        boolean first = true;
        for (List<String> command : pipeline) {
            piped = command(command, dot, first ? null : piped, !first);
            first = false;
        }
        return piped;
    }

    private static Object command(List<String> words, Object dot, Object piped, boolean hasPiped) {
        String head = words.get(0);
        if (head.startsWith(".") || head.startsWith("\"")) {
            if (words.size() > 1 || hasPiped) {
                throw new IllegalArgumentException("template: " + head + " is not a function and takes no arguments");
            }
            return operand(head, dot);
        }
        List<Object> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
            args.add(operand(w, dot));
        }
        if (hasPiped) {
            args.add(piped);
        }
        switch (head) {
            case "replace" -> {
                arity(head, args, 3);
                return string(args.get(2)).replace(string(args.get(0)), string(args.get(1)));
            }
            case "regexMatch" -> {
                arity(head, args, 2);
                // Go's regexp (RE2) and java.util.regex agree on the patterns the examples use; they
                // differ in '$' before a final newline, which a query-escaped value cannot hold.
                return Pattern.compile(string(args.get(0))).matcher(string(args.get(1))).find();
            }
            default -> throw new IllegalArgumentException("template: the function " + head + " is not modelled");
        }
    }

    private static void arity(String function, List<Object> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("template: " + function + " takes " + n + " arguments, got " + args.size());
        }
    }

    private static Object operand(String word, Object dot) {
        if (word.startsWith("\"")) {
            return word.substring(1);
        }
        if (word.equals(".")) {
            return dot;
        }
        if (!word.startsWith(".")) {
            throw new IllegalArgumentException("template: " + word + " as an argument is not modelled");
        }
        Object value = dot;
        for (String field : word.substring(1).split("\\.", -1)) {
            if (!(value instanceof Map<?, ?> map) || !map.containsKey(field)) {
                throw new IllegalArgumentException("template: no field " + field + " in " + word);
            }
            value = map.get(field);
        }
        return value;
    }

    private static String string(Object value) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("template: a function was given a " + (value == null ? "nil" : "map") + ", not a string");
        }
        return s;
    }

    private static String print(Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return value.toString();
        }
        throw new IllegalArgumentException("template: printing a " + (value == null ? "nil" : "map") + " is not modelled");
    }
}
