package dev.coffer.server.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code java} block turned into a compilation unit of its own package ({@code docs.b<n>}), so
 * blocks never clash by name. The block's {@code import} lines stay imports and nothing else is
 * imported for it: a reader who copies a block gets the imports it needs. Then:
 * <ul>
 *   <li>a block that starts with a {@code package} declaration is a whole source file (one shown
 *       as it is in the repository, {@code <!-- doc-test: file <path> -->}): it is compiled as it
 *       is, in its own package, together with the other blocks of that package;</li>
 *   <li>a block that declares a top-level type is compiled as it is;</li>
 *   <li>a block marked {@code <!-- doc-test: java members -->} goes into a class body;</li>
 *   <li>any other block is statements, in a method that may throw; a marker
 *       {@code <!-- doc-test: java given: java.nio.file.Path dataDir, ... -->} declares what the
 *       statements use but the block does not show (its parameters, fully qualified).</li>
 * </ul>
 *
 * @param block the block
 * @param packageName the package the unit is placed in
 * @param source the compilation unit
 * @param firstBlockLine the unit's line holding the block's first non-import line (for messages)
 */
record JavaSnippet(DocBlock block, String packageName, String source, int firstBlockLine) {
    private static final Pattern TYPE = Pattern.compile(
            "^(public |final |abstract |sealed |non-sealed |static )*(class|interface|record|enum|@interface) .*");

    private static final Pattern PACKAGE = Pattern.compile("^package ([a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*);$");

    static JavaSnippet of(DocBlock block, int index) {
        String firstLine = block.text().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        java.util.regex.Matcher declared = PACKAGE.matcher(firstLine);
        if (declared.matches()) {
            return new JavaSnippet(block, declared.group(1), block.text(), 1);
        }
        String pkg = "docs.b" + index;
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String line : block.text().split("\n")) {
            if (line.startsWith("import ")) {
                imports.add(line);
            } else {
                body.add(line);
            }
        }
        String marker = block.marker().orElse("");
        boolean declaresType = body.stream().anyMatch(l -> TYPE.matcher(l).matches());
        StringBuilder src = new StringBuilder("package ").append(pkg).append(";\n");
        imports.forEach(i -> src.append(i).append('\n'));
        String open;
        String close;
        if (declaresType && marker.isEmpty()) {
            open = "";
            close = "";
        } else if (marker.equals("java members")) {
            open = "class Members {\n";
            close = "}\n";
        } else if (marker.isEmpty() || marker.startsWith("java given:") || marker.startsWith("file ")) {
            String given = marker.isEmpty() ? "" : marker.substring("java given:".length()).strip();
            open = "class Statements {\n  void run(" + given + ") throws Exception {\n";
            close = "  }\n}\n";
        } else {
            throw new IllegalArgumentException(block.where() + ": unknown doc-test marker for java: " + marker);
        }
        src.append(open);
        int first = (int) src.chars().filter(c -> c == '\n').count() + 1;
        body.forEach(l -> src.append(l).append('\n'));
        src.append(close);
        return new JavaSnippet(block, pkg, src.toString(), first);
    }

    /** The doc line a line of {@link #source} came from, roughly (imports are moved to the top). */
    int docLine(long sourceLine) {
        if (firstBlockLine == 1) {
            return block.line() + (int) sourceLine; // a whole file: compiled line for line
        }
        return block.line() + 1 + (int) Math.max(0, sourceLine - firstBlockLine)
                + (int) block.text().lines().filter(l -> l.startsWith("import ")).count();
    }
}
