package dev.coffer.server.k8s.spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Where a manager's values come from. One record per {@code type}. */
public sealed interface ConnectorSpec {
    /** The connector's id within its manager. */
    String id();

    /** Where the connector is written. */
    Where where();

    /** The {@code type} word. */
    String type();

    /**
     * {@code type: coffer}: each secret's {@code path} read from Coffer through the one client (a
     * {@code coffer.map} style reference: {@code [<environment>/]<path>[#alias|@version]}),
     * authorized and audited by the server.
     *
     * @param environment the environment of paths that name none
     */
    record Coffer(String id, Optional<String> environment, Where where) implements ConnectorSpec {
        public Coffer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "coffer";
        }

        /**
         * The reference {@code path} names under this connector: inside {@link #environment()} when
         * the connector names one ({@code payments/db} is {@code prod/payments/db}; a leading
         * {@code prod/} equal to it is accepted too), else {@code path} as written. The one rule the
         * reader checks, the connector reads and the agent is configured by.
         */
        public String reference(String path) {
            String text = path.strip();
            return environment.map(env -> text.startsWith(env + "/") ? text : env + "/" + text).orElse(text);
        }
    }

    /**
     * {@code type: env}: each secret from the environment variable {@code <prefix><name>}, or from
     * {@code envFile} ({@code .env}; the process environment wins). A value that is a flat JSON
     * object stays structured (for {@code dockerconfigjson}, {@code basic-auth}, {@code tls}).
     *
     * @param prefix the variable prefix, {@code COFFER_SECRET_} unless written
     * @param envFile a {@code .env} file, resolved against the spec's directory
     */
    record Env(String id, String prefix, Optional<Path> envFile, Where where) implements ConnectorSpec {
        /** The prefix when none is written. */
        public static final String DEFAULT_PREFIX = "COFFER_SECRET_";

        public Env {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(envFile, "envFile");
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "env";
        }
    }

    /**
     * {@code type: literal}: values written inline, for tests and examples. {@link #toString()}
     * names the keys only.
     *
     * @param values the values by secret name
     */
    record Literal(String id, Map<String, String> values, Where where) implements ConnectorSpec {
        public Literal {
            Objects.requireNonNull(id, "id");
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "literal";
        }

        @Override
        public String toString() {
            return "Literal[id=" + id + ", keys=" + values.keySet() + ", where=" + where + "]";
        }
    }
}
