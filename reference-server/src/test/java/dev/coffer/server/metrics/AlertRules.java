package dev.coffer.server.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped alerting rules and their promtool unit tests, as files and as the series they name. */
final class AlertRules {
    static final Path RULES = Path.of("src/main/prometheus/coffer-alerts.yml");
    static final Path TESTS = Path.of("src/test/prometheus/coffer-alerts-test.yml");

    // A metric name with an optional selector: name{a="b",c=~"d"}; the names are those of Coffer's exporters.
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:coffer|jetty|hikaricp|jvm|process|system)_[a-z0-9_]+)(\\{[^}]*})?");
    private static final Pattern EQUALS = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");
    // Labels Prometheus adds when it scrapes; the server never emits them.
    private static final List<String> TARGET_LABELS = List.of("job", "instance");

    private AlertRules() {}

    /** A metric name and the label values a selector or input series requires of it (exact matches only). */
    record Selector(String name, Map<String, String> labels) {}

    /** Every selector in the rules' expressions and the tests' input series (comments left out). */
    static List<Selector> selectors() {
        List<Selector> all = new ArrayList<>();
        for (Path file : List.of(RULES, TESTS)) {
            for (String line : lines(file)) {
                String code = line.strip();
                if (code.startsWith("#") || code.startsWith("summary:") || code.startsWith("description:")) {
                    continue;
                }
                Matcher m = SELECTOR.matcher(code);
                while (m.find()) {
                    Map<String, String> labels = new TreeMap<>();
                    if (m.group(2) != null) {
                        Matcher l = EQUALS.matcher(m.group(2));
                        while (l.find()) {
                            if (!TARGET_LABELS.contains(l.group(1)) && isExact(m.group(2), l)) {
                                labels.put(l.group(1), l.group(2));
                            }
                        }
                    }
                    all.add(new Selector(m.group(1), labels));
                }
            }
        }
        return all;
    }

    /** The metric names the rules and tests use. */
    static TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        selectors().forEach(s -> names.add(s.name()));
        return names;
    }

    // "a=\"b\"" but not "a=~\"b\"" or "a!=\"b\"": the EQUALS match starts at the name, so look at the operator.
    private static boolean isExact(String selector, Matcher label) {
        String text = selector.substring(label.start(), label.end());
        int eq = text.indexOf('=');
        return eq > 0 && text.charAt(eq - 1) != '!' && text.charAt(eq + 1) != '~';
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
