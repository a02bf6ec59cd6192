package dev.coffer.server.k8s.spec;

import java.util.Objects;

/** Which container of a pod an injection goes into: by index ({@code container: 1}) or by name. */
public sealed interface ContainerRef {
    /** The container at {@code index} (0-based) of {@code spec.containers}. */
    record ByIndex(int index) implements ContainerRef {
        public ByIndex {
            if (index < 0) {
                throw new IllegalArgumentException("a container index is not negative");
            }
        }

        @Override
        public String toString() {
            return "container " + index;
        }
    }

    /** The container named {@code name}. */
    record ByName(String name) implements ContainerRef {
        public ByName {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "container '" + name + "'";
        }
    }

    /** The first container, where an injection names none. */
    ContainerRef FIRST = new ByIndex(0);
}
