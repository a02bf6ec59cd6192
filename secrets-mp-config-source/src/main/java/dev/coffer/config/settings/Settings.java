package dev.coffer.config.settings;

import dev.coffer.spi.internal.Durations;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.SecretPath;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The effective settings of a {@link dev.coffer.config.CofferConfigSource}: where secrets live, which
 * properties map to which secrets, and the cache policy. Read from the bootstrap sources with
 * {@link #from(Bootstrap)}, or built in code:
 *
 * <pre>{@code
 * Settings settings = Settings.builder()
 *         .url("http://coffer.internal:8480/")
 *         .tokenFile(Path.of("/var/run/secrets/coffer/token"))
 *         .map("db.password", "prod/payments/db-password")
 *         .ttl(Duration.ofSeconds(30))
 *         .build();
 * }</pre>
 *
 * <p>Two sources with equal settings share one cache (record equality). Settings hold no secret
 * value and no token, only the token file's path.
 *
 * @param url {@code embedded}, an absolute {@code http(s)} URL of the reference server, or
 *     {@code null} when not configured (the source is then inert)
 * @param tokenFile file holding the bearer token (remote transport)
 * @param tenant tenant of the secrets (remote transport; the embedded transport uses its context's)
 * @param environment environment listed for {@code prefix}, or {@code null}
 * @param prefix property prefix exposing every readable secret of {@code environment}, or {@code null}
 * @param mappings required properties, by property name
 * @param ttl how long a fetched value is fresh
 * @param jitter up to this much is added at random to each entry's ttl
 * @param maxStale how long past its freshness a value is still served while refreshes fail
 * @param ordinal the source's ordinal
 * @param startupTimeout how long the first fetch of required secrets may retry
 * @param watch whether the cache subscribes to the change stream ({@code coffer.watch}, default
 *     {@code true}) to refresh an entry as soon as its secret changes; {@code false}: TTL polling only
 */
public record Settings(String url, Path tokenFile, String tenant, String environment, String prefix,
        Map<String, SecretMapping> mappings, Duration ttl, Duration jitter, Duration maxStale, int ordinal,
        Duration startupTimeout, boolean watch) {

    /** The value of {@code coffer.url} that selects the embedded transport. */
    public static final String EMBEDDED = "embedded";
    /** Prefix of the mapping settings. */
    public static final String MAP_PREFIX = "coffer.map.";
    public static final String URL = "coffer.url";
    public static final String TOKEN_FILE = "coffer.token-file";
    public static final String TENANT = "coffer.tenant";
    public static final String ENVIRONMENT = "coffer.environment";
    public static final String PREFIX = "coffer.prefix";
    public static final String TTL = "coffer.cache.ttl";
    public static final String JITTER = "coffer.cache.jitter";
    public static final String MAX_STALE = "coffer.cache.max-stale";
    public static final String ORDINAL = "coffer.ordinal";
    public static final String STARTUP_TIMEOUT = "coffer.startup.timeout";
    public static final String WATCH = "coffer.watch";

    public static final String DEFAULT_TENANT = "default";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_JITTER = Duration.ofSeconds(15);
    public static final Duration DEFAULT_MAX_STALE = Duration.ofSeconds(900);
    public static final int DEFAULT_ORDINAL = 270;
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

    /** Whitespace then {@code #}: a comment written after a value, which {@code .properties} does not have. */
    private static final Pattern INLINE_COMMENT = Pattern.compile("\\s#");

    public Settings {
        Objects.requireNonNull(tenant, "tenant");
        mappings = Collections.unmodifiableMap(new TreeMap<>(mappings));
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(maxStale, "maxStale");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
    }

    /**
     * Settings read from system properties, environment variables and microprofile-config.properties.
     *
     * @throws IllegalArgumentException naming the setting at fault; a value holding {@code " #"} is
     *     refused as an inline comment without quoting it
     */
    public static Settings from(Bootstrap bootstrap) {
        Builder b = builder();
        setting(bootstrap, URL).ifPresent(b::url);
        setting(bootstrap, TOKEN_FILE).ifPresent(f -> b.tokenFile(Path.of(f)));
        setting(bootstrap, TENANT).ifPresent(b::tenant);
        setting(bootstrap, ENVIRONMENT).ifPresent(b::environment);
        setting(bootstrap, PREFIX).ifPresent(b::prefix);
        setting(bootstrap, TTL).ifPresent(t -> b.ttl(Durations.parse(TTL, t)));
        setting(bootstrap, JITTER).ifPresent(t -> b.jitter(Durations.parse(JITTER, t)));
        setting(bootstrap, MAX_STALE).ifPresent(t -> b.maxStale(Durations.parse(MAX_STALE, t)));
        setting(bootstrap, STARTUP_TIMEOUT).ifPresent(t -> b.startupTimeout(Durations.parse(STARTUP_TIMEOUT, t)));
        setting(bootstrap, ORDINAL).ifPresent(t -> b.ordinal(ordinal(t)));
        setting(bootstrap, WATCH).ifPresent(t -> b.watch(bool(WATCH, t)));
        for (String name : bootstrap.names()) {
            if (name.startsWith(MAP_PREFIX)) {
                String property = name.substring(MAP_PREFIX.length());
                setting(bootstrap, name).ifPresent(v -> b.mappings.put(property, SecretMapping.parse(property, v)));
            }
        }
        return b.build();
    }

    /**
     * The value of {@code key}, refused when it holds whitespace followed by {@code #}. A
     * {@code .properties} file has no inline comments: {@code coffer.url=http://h/  # note} makes
     * the comment part of the value, which then fails with a message about the URL (or, for a
     * mapping, about an alias) that hides the cause. No setting can legitimately hold {@code " #"}
     * (URLs, paths of secrets, durations and numbers have no spaces), so the message says what it
     * looks like instead. It quotes nothing of the value: a setting is not a secret, but a value
     * pasted into the wrong line may be.
     */
    private static Optional<String> setting(Bootstrap bootstrap, String key) {
        Optional<String> value = bootstrap.get(key);
        if (value.isPresent() && INLINE_COMMENT.matcher(value.get()).find()) {
            String origin = bootstrap.origin(key).map(o -> " (from " + o + ")").orElse("");
            throw new IllegalArgumentException(key + origin + " holds ' #': this looks like an inline comment,"
                    + " and a .properties file has none (everything after '=' is the value, the comment too);"
                    + " put the comment on a line of its own starting with #");
        }
        return value;
    }

    private static boolean bool(String key, String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + "='" + Messages.printable(text) + "' is not true or false");
        };
    }

    private static int ordinal(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ORDINAL + "='" + Messages.printable(text) + "' is not an integer");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code coffer.url} is set; without it the source is inert. */
    public boolean enabled() {
        return url != null;
    }

    /** Whether the embedded transport is selected. */
    public boolean embedded() {
        return EMBEDDED.equals(url);
    }

    private static void check(String key, Runnable rule) {
        try {
            rule.run();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** Builds and validates {@link Settings}. */
    public static final class Builder {
        private String url;
        private Path tokenFile;
        private String tenant = DEFAULT_TENANT;
        private String environment;
        private String prefix;
        private final Map<String, SecretMapping> mappings = new TreeMap<>();
        private Duration ttl = DEFAULT_TTL;
        private Duration jitter = DEFAULT_JITTER;
        private Duration maxStale = DEFAULT_MAX_STALE;
        private int ordinal = DEFAULT_ORDINAL;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private boolean watch = true;

        private Builder() {}

        /** Whether to subscribe to the change stream (default {@code true}); {@code false}: TTL polling only. */
        public Builder watch(boolean value) {
            this.watch = value;
            return this;
        }

        public Builder url(String value) {
            this.url = value == null ? null : value.trim();
            return this;
        }

        public Builder tokenFile(Path file) {
            this.tokenFile = file;
            return this;
        }

        public Builder tenant(String value) {
            this.tenant = value;
            return this;
        }

        public Builder environment(String value) {
            this.environment = value;
            return this;
        }

        public Builder prefix(String value) {
            this.prefix = value;
            return this;
        }

        /** Maps {@code property} to {@code <environment>/<path>[#alias|@version]}. */
        public Builder map(String property, String target) {
            mappings.put(property, SecretMapping.parse(property, target));
            return this;
        }

        public Builder ttl(Duration value) {
            this.ttl = value;
            return this;
        }

        public Builder jitter(Duration value) {
            this.jitter = value;
            return this;
        }

        public Builder maxStale(Duration value) {
            this.maxStale = value;
            return this;
        }

        public Builder ordinal(int value) {
            this.ordinal = value;
            return this;
        }

        public Builder startupTimeout(Duration value) {
            this.startupTimeout = value;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the setting at fault
         */
        public Settings build() {
            if (url != null && !url.equals(EMBEDDED)) {
                URI uri;
                try {
                    uri = URI.create(url);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(URL + "='" + Messages.printable(url) + "' is not a URL; write http(s)://host:port/ or embedded");
                }
                if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException(URL + "='" + Messages.printable(url) + "' must be an http(s) URL or embedded");
                }
                if (tokenFile == null) {
                    throw new IllegalArgumentException(URL + " is a server URL, so " + TOKEN_FILE + " is required");
                }
            }
            check(TENANT, () -> SecretPath.requireTenant(tenant));
            if (environment != null) {
                check(ENVIRONMENT, () -> SecretPath.requireEnvironment(environment));
            }
            if (prefix != null && environment == null) {
                throw new IllegalArgumentException(PREFIX + " is set, so " + ENVIRONMENT + " (the environment it exposes) is required");
            }
            if (ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException(TTL + " must be positive, got " + ttl);
            }
            if (jitter.isNegative() || maxStale.isNegative() || startupTimeout.isNegative()) {
                throw new IllegalArgumentException(JITTER + ", " + MAX_STALE + " and " + STARTUP_TIMEOUT + " must not be negative");
            }
            return new Settings(url, tokenFile, tenant, environment, prefix, mappings, ttl, jitter, maxStale, ordinal, startupTimeout,
                    watch);
        }
    }

}
