package dev.coffer.server.k8s.spec;

import dev.coffer.spi.internal.Messages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One node of a composed spec (snakeyaml-engine's Node tree, which keeps start marks) with the
 * {@link Where} that reached it, and the typed reads the reader needs. Every refusal is a
 * {@link SpecException} at that {@code Where}; none quotes a scalar's text, because a scalar may be
 * a literal connector's value.
 */
final class SpecNode {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]{1,9}");

    private final Node node;
    private final Where where;

    SpecNode(Node node, Where where) {
        this.node = node;
        this.where = where;
    }

    Where where() {
        return where;
    }

    /** The 1-based line a node starts on (0 when the parser kept no mark). */
    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    SpecException error(String message) {
        return new SpecException(where, message);
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** Whether the node is a plain whole number (a YAML int), as opposed to text. */
    boolean isInt() {
        return node instanceof ScalarNode && Tag.INT.equals(node.getTag());
    }

    /** The mapping's entries, checked against {@code known} (unknown keys are errors naming the known ones). */
    Fields fields(String... known) {
        Fields fields = entries(Integer.MAX_VALUE, "keys");
        Set<String> allowed = Set.of(known);
        for (Map.Entry<String, SpecNode> e : fields.all.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().error("is not a known key; known: " + String.join(", ", known));
            }
        }
        return fields;
    }

    /**
     * The mapping's entries with free keys (ids, names), at most {@code max} of them. Keys must be
     * text and unique: a later duplicate would otherwise silently replace the earlier one.
     */
    Fields entries(int max, String what) {
        if (node.isRecursive()) {
            throw error("refers to itself through an alias; write the value out");
        }
        if (!(node instanceof MappingNode mapping) || !Tag.MAP.equals(node.getTag())) {
            throw error("must be a mapping (key: value), not " + describe());
        }
        List<NodeTuple> tuples = mapping.getValue();
        if (tuples.size() > max) {
            throw error("has " + tuples.size() + " " + what + "; at most " + max);
        }
        Map<String, SpecNode> all = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        for (NodeTuple t : tuples) {
            Node k = t.getKeyNode();
            int keyLine = line(k);
            if (!(k instanceof ScalarNode key) || !Tag.STR.equals(k.getTag())) {
                throw new SpecException(new Where(where.file(), keyLine > 0 ? keyLine : where.line(), where.field()),
                        "has a key that is not text; write keys as plain words");
            }
            String name = key.getValue();
            Where child = where.child(name.isEmpty() ? "''" : Messages.printable(name), keyLine);
            Integer first = keyLines.putIfAbsent(name, keyLine);
            if (first != null) {
                throw new SpecException(child, "is written twice (first at line " + first + "); remove one");
            }
            all.put(name, new SpecNode(t.getValueNode(), child));
        }
        return new Fields(this, all);
    }

    /** The sequence's items, at most {@code max} ({@code what} names them in the error). */
    List<SpecNode> items(int max, String what) {
        if (node.isRecursive()) {
            throw error("refers to itself through an alias; write the value out");
        }
        if (!(node instanceof SequenceNode seq) || !Tag.SEQ.equals(node.getTag())) {
            throw error("must be a list, not " + describe());
        }
        List<Node> values = seq.getValue();
        if (values.size() > max) {
            throw error("lists " + values.size() + " " + what + "; at most " + max);
        }
        List<SpecNode> items = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Node item = values.get(i);
            int itemLine = line(item);
            items.add(new SpecNode(item, where.child("[" + i + "]", itemLine > 0 ? itemLine : where.line())));
        }
        return items;
    }

    /** Text: a YAML string. A number, boolean or null is refused rather than turned into text, so {@code 0123} stays what was meant. */
    String string() {
        String s = text();
        if (s.isBlank()) {
            throw error("must not be empty");
        }
        return s;
    }

    /** Like {@link #string()}, but the empty string {@code ""} is allowed. */
    String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("must be a string, not " + describe());
        }
        if (Tag.NULL.equals(node.getTag())) {
            throw error("has no value; write one or remove the key");
        }
        if (!Tag.STR.equals(node.getTag())) {
            throw error("must be a string, not " + describe() + "; put it in quotes");
        }
        return scalar.getValue();
    }

    /** A whole number from {@code min} to {@code max}. */
    int integer(int min, int max) {
        if (!(node instanceof ScalarNode scalar) || !Tag.INT.equals(node.getTag())
                || !WHOLE_NUMBER.matcher(scalar.getValue()).matches()) {
            throw error("must be a whole number from " + min + " to " + max + ", not " + describe());
        }
        long n = Long.parseLong(scalar.getValue());
        if (n < min || n > max) {
            throw error("must be a whole number from " + min + " to " + max);
        }
        return (int) n;
    }

    boolean bool() {
        if (!(node instanceof ScalarNode scalar) || !Tag.BOOL.equals(node.getTag())) {
            throw error("must be true or false, not " + describe());
        }
        return Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT));
    }

    /** The string, which must be one of {@code words}. */
    String choice(String... words) {
        String s = string();
        if (!Arrays.asList(words).contains(s)) {
            throw error("'" + Messages.printable(s) + "' is not one of " + String.join(", ", words));
        }
        return s;
    }

    /** What the node is, for "must be X, not Y" (never its text). */
    private String describe() {
        if (node.getNodeType() == NodeType.MAPPING) {
            return "a mapping";
        }
        if (node.getNodeType() == NodeType.SEQUENCE) {
            return "a list";
        }
        Tag tag = node.getTag();
        if (Tag.INT.equals(tag)) {
            return "a number";
        }
        if (Tag.FLOAT.equals(tag)) {
            return "a number";
        }
        if (Tag.BOOL.equals(tag)) {
            return "a boolean";
        }
        if (Tag.NULL.equals(tag)) {
            return "empty";
        }
        if (Tag.STR.equals(tag)) {
            return "a string";
        }
        return "a value tagged " + Messages.printable(tag.getValue());
    }

    /** A mapping's entries in the order written. */
    static final class Fields {
        private final SpecNode owner;
        private final Map<String, SpecNode> all;

        private Fields(SpecNode owner, Map<String, SpecNode> all) {
            this.owner = owner;
            this.all = all;
        }

        boolean has(String key) {
            return all.containsKey(key);
        }

        Optional<SpecNode> opt(String key) {
            return Optional.ofNullable(all.get(key));
        }

        /** The value of {@code key}; missing is an error at the mapping's line, naming the field. */
        SpecNode req(String key) {
            SpecNode value = all.get(key);
            if (value == null) {
                throw new SpecException(owner.where.child(key, owner.where.line()), "is required");
            }
            return value;
        }

        Optional<String> optString(String key) {
            return opt(key).map(SpecNode::string);
        }

        Map<String, SpecNode> all() {
            return all;
        }

        boolean isEmpty() {
            return all.isEmpty();
        }
    }
}
