package dev.coffer.config.settings;

import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionSelector;
import java.util.Objects;

/**
 * Where one configuration property's value lives: {@code <environment>/<path>} and which version,
 * written {@code coffer.map.<property>=<environment>/<path>[#alias|@version]}.
 *
 * <pre>{@code
 * SecretMapping.parse("db.password", "prod/payments/db-password");      // alias current
 * SecretMapping.parse("db.password", "prod/payments/db-password#next"); // alias next
 * SecretMapping.parse("db.password", "prod/payments/db-password@3");    // version 3
 * }</pre>
 *
 * <p><strong>{@code #next} is for canary instances.</strong> While a rotation with a canary period
 * waits in state {@code CANARY}, alias {@code next} points at the pending version, so instances
 * mapping {@code #next} try the new value before everyone else. While {@code next} is not set
 * (before the first rotation, between rotations, and from the moment a rotation promotes and
 * clears it) such a mapping {@linkplain #fallsBackToCurrent() falls back} to {@code current}, so a
 * canary instance always has the value the others will have next. Only the answer "alias
 * {@code next} is not set" ({@code ALIAS_NOT_FOUND} on {@code next}) does that: a {@code next}
 * version that is disabled or destroyed, a deleted secret and withdrawn access fail closed exactly
 * as for any other mapping, and every other alias fails closed when it is not set.
 *
 * @param property the configuration property, e.g. {@code db.password}
 * @param environment the secret's environment
 * @param path the secret's path inside the environment
 * @param selector the version to read
 */
public record SecretMapping(String property, String environment, String path, VersionSelector selector) {
    public SecretMapping {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(selector, "selector");
    }

    /**
     * Parses the value of {@code coffer.map.<property>}.
     *
     * @throws IllegalArgumentException naming the setting, the text and the broken rule
     */
    public static SecretMapping parse(String property, String text) {
        String key = Settings.MAP_PREFIX + property;
        if (property.isEmpty()) {
            throw new IllegalArgumentException(key + " names no property; write " + Settings.MAP_PREFIX
                    + "<property>=<environment>/<path>[#alias|@version]");
        }
        String t = text == null ? "" : text.trim();
        return parse(property, key + "='" + Messages.printable(t) + "'", t);
    }

    /**
     * Parses a secret reference {@code <environment>/<path>[#alias|@version]} written outside a
     * mapping line: a {@code ${coffer::...}} expression, a {@code coffer://...} environment variable.
     * The same rules as {@link #parse(String, String)}; {@code name} becomes the mapping's property
     * (how the cache and its messages name it) and {@code where} starts every error message.
     *
     * <pre>{@code
     * SecretMapping.reference("${coffer::prod/db#next}", "expression '${coffer::prod/db#next}'", "prod/db#next");
     * }</pre>
     *
     * @throws IllegalArgumentException starting with {@code where}, naming the broken rule
     */
    public static SecretMapping reference(String name, String where, String text) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(where, "where");
        return parse(name, where, text == null ? "" : text.trim());
    }

    private static SecretMapping parse(String property, String where, String t) {
        int hash = t.indexOf('#');
        int at = t.indexOf('@');
        if (hash >= 0 && at >= 0) {
            throw new IllegalArgumentException(where + " has both #alias and @version; choose one");
        }
        int cut = hash >= 0 ? hash : at >= 0 ? at : t.length();
        String qualified = t.substring(0, cut);
        VersionSelector selector;
        try {
            if (hash >= 0) {
                selector = VersionSelector.alias(t.substring(hash + 1));
            } else if (at >= 0) {
                selector = VersionSelector.number(version(where, t.substring(at + 1)));
            } else {
                selector = VersionSelector.current();
            }
            // The tenant is checked later, against the transport's; "default" only lets the path rules run here.
            SecretPath path = SecretPath.parse("default", qualified);
            return new SecretMapping(property, path.environment(), path.path(), selector);
        } catch (SecretsException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage()
                    + "; write <environment>/<path>[#alias|@version]");
        }
    }

    private static int version(String where, String digits) {
        if (!digits.matches("\\d{1,9}")) {
            throw new IllegalArgumentException(where + ": version '" + Messages.printable(digits)
                    + "' after @ is not a number; write e.g. @3");
        }
        return Integer.parseInt(digits);
    }

    /**
     * Whether this mapping reads alias {@code next} and so is served {@code current} while
     * {@code next} is not set (see the class comment). Every other mapping fails closed when its
     * alias is missing.
     */
    public boolean fallsBackToCurrent() {
        return selector instanceof VersionSelector.ByAlias a && Aliases.NEXT.equals(a.name());
    }

    /** The same property and secret read at alias {@code current}: what a {@code #next} mapping falls back to. */
    public SecretMapping atCurrent() {
        return new SecretMapping(property, environment, path, VersionSelector.current());
    }

    /** The secret's path in {@code tenant}. */
    public SecretPath secretPath(String tenant) {
        return SecretPath.of(tenant, environment, path);
    }

    /** {@code <environment>/<path>#alias} or {@code ...@n}: how messages and logs name it. */
    public String target() {
        return environment + "/" + path + selector;
    }
}
