package dev.coffer.spi.model;

/**
 * Which version a read wants: by alias ({@code current} by default) or by number.
 *
 * <pre>{@code
 * manager.read(ctx, path, VersionSelector.current());
 * manager.read(ctx, path, VersionSelector.alias("previous"));
 * manager.read(ctx, path, VersionSelector.number(3));
 * }</pre>
 */
public sealed interface VersionSelector {
    /** The version alias {@code current} points at. */
    static VersionSelector current() {
        return new ByAlias(Aliases.CURRENT);
    }

    /** The version an alias points at. */
    static VersionSelector alias(String name) {
        return new ByAlias(name);
    }

    /** A version by number. */
    static VersionSelector number(int number) {
        return new ByNumber(number);
    }

    /** Selects through an alias. @param name the alias */
    record ByAlias(String name) implements VersionSelector {
        public ByAlias {
            Aliases.requireName(name);
        }

        @Override
        public String toString() {
            return "#" + name;
        }
    }

    /** Selects a version number. @param number the version, from 1 */
    record ByNumber(int number) implements VersionSelector {
        public ByNumber {
            if (number < 1) {
                throw Fields.invalid("version must be at least 1, got " + number);
            }
        }

        @Override
        public String toString() {
            return "@" + number;
        }
    }
}
