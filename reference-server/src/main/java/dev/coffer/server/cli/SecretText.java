package dev.coffer.server.cli;

import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretVersion;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Secrets, versions and aliases as text for people: labelled lines and tables, no JSON, no key ids. */
final class SecretText {
    private SecretText() {}

    /** {@code secret describe}: the metadata, the aliases and a table of the versions. */
    static String describe(SecretDetails d) {
        return metadata(d.secret()) + "\n" + line("Aliases", d.aliases().byName().isEmpty() ? "none" : aliases(d.aliases()))
                + "\nVersions:\n" + indent(versions(d.versions()).toString());
    }

    /** A secret's metadata as labelled lines. */
    static String metadata(Secret s) {
        StringBuilder out = new StringBuilder();
        out.append(line("Secret", s.path().qualifiedName() + "  (" + s.id() + ")")).append('\n');
        out.append(line("Owner team", s.ownerTeam())).append('\n');
        out.append(line("Description", s.description() == null || s.description().isEmpty() ? "-" : s.description())).append('\n');
        StringBuilder rotation = new StringBuilder(s.rotationStrategy() == null ? "-" : s.rotationStrategy());
        if (s.rotationPeriod() != null) {
            rotation.append(", every ").append(Times.format(s.rotationPeriod()));
        }
        out.append(line("Rotation", rotation.toString())).append('\n');
        out.append(line("Last rotated", s.lastRotatedAt() == null ? "never" : s.lastRotatedAt().toString()));
        s.rotationDueAt().ifPresent(due -> out.append("\n").append(line("Rotation due", due.toString())));
        out.append('\n').append(line("Labels", labels(s.labels()))).append('\n');
        out.append(line("Created", String.valueOf(s.createdAt()))).append('\n');
        out.append(line("Updated", String.valueOf(s.updatedAt())));
        if (s.deletionScheduledAt() != null) {
            out.append('\n').append(line("Deletion", "pending: purgeable from " + s.deletionScheduledAt()
                    + " (undo with 'coffer secret restore " + s.path().qualifiedName() + "')"));
        }
        return out.toString();
    }

    /** The versions as a table. */
    static Table versions(List<SecretVersion> versions) {
        Table table = new Table("VERSION", "STATUS", "STATE", "CREATED", "BY", "EXPIRES");
        for (SecretVersion v : versions) {
            table.row(v.number(), v.status(), v.state(), v.createdAt(), v.createdBy(), v.expiresAt());
        }
        return table;
    }

    /** {@code current -> 3, previous -> 2}, reserved names first. */
    static String aliases(Aliases aliases) {
        Map<String, Integer> sorted = new TreeMap<>((a, b) -> {
            int ra = rank(a);
            int rb = rank(b);
            return ra != rb ? Integer.compare(ra, rb) : a.compareTo(b);
        });
        sorted.putAll(aliases.byName());
        return sorted.entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** {@code k=v, k2=v2} in key order, or {@code none}. */
    static String labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "none";
        }
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static int rank(String alias) {
        return switch (alias) {
            case Aliases.CURRENT -> 0;
            case Aliases.PREVIOUS -> 1;
            case Aliases.NEXT -> 2;
            default -> 3;
        };
    }

    private static String line(String label, String value) {
        return String.format("%-14s %s", label + ":", Table.clean(value));
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
    }
}
