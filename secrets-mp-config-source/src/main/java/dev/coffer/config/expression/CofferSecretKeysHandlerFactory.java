package dev.coffer.config.expression;

import dev.coffer.config.EmbeddedSecrets;
import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SecretKeysHandler;
import io.smallrye.config.SecretKeysHandlerFactory;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SmallRye Config's factory of the {@code coffer} secret-keys handler, so that
 * {@code ${coffer::prod/payments/db-password}} (also {@code #alias} and {@code @version}, as in a
 * {@code coffer.map.*} line) resolves in any property. Registered in
 * {@code META-INF/services/io.smallrye.config.SecretKeysHandlerFactory}; SmallRye loads it when the
 * configuration is built with discovered secret-keys handlers (Quarkus and
 * {@code new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredSecretKeysHandlers()}).
 *
 * <pre>{@code
 * SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDefaultSources()
 *         .addDiscoveredSources().addDiscoveredSecretKeysHandlers().build();
 * String url = config.getValue("db.url", String.class); // jdbc:...?password=<the secret>
 * }</pre>
 *
 * <p>The {@code coffer.*} settings are read from the configuration being built (its
 * {@link ConfigSourceContext}), so with the usual sources (system properties, environment,
 * {@code microprofile-config.properties}) they equal the {@link dev.coffer.config.CofferConfigSource}'s
 * and both use one cache (see {@link dev.coffer.config.cache.CacheRegistry}). Nothing is read,
 * fetched or started until an expression is first evaluated.
 */
public final class CofferSecretKeysHandlerFactory implements SecretKeysHandlerFactory {
    /** The handler's name: the part before {@code ::}. */
    public static final String NAME = "coffer";

    private static final List<String> SETTINGS = List.of(Settings.URL, Settings.TOKEN_FILE, Settings.TENANT,
            Settings.ENVIRONMENT, Settings.PREFIX, Settings.TTL, Settings.JITTER, Settings.MAX_STALE, Settings.ORDINAL,
            Settings.STARTUP_TIMEOUT, Settings.WATCH);
    private static final String ENV_MAP_PREFIX = "COFFER_MAP_";

    private final EmbeddedSecrets embedded;

    /** The factory {@link java.util.ServiceLoader} uses: {@code coffer.url=embedded} finds its provider there too. */
    public CofferSecretKeysHandlerFactory() {
        this.embedded = null;
    }

    /** A factory over an explicit embedded provider, for {@code coffer.url=embedded} (tests, embedding). */
    public CofferSecretKeysHandlerFactory(EmbeddedSecrets embedded) {
        this.embedded = java.util.Objects.requireNonNull(embedded, "embedded");
    }

    @Override
    public SecretKeysHandler getSecretKeysHandler(ConfigSourceContext context) {
        // Read at the first evaluation, not now: a configuration that uses no expression pays nothing
        // and cannot fail here (SmallRye calls discovered factories while it builds every configuration).
        return new CofferSecretKeysHandler(() -> settings(context), embedded);
    }

    @Override
    public String getName() {
        return NAME;
    }

    /**
     * The {@code coffer.*} settings as {@code context} resolves them. Mappings given as
     * {@code COFFER_MAP_<NAME>} environment variables are named as {@link Bootstrap#names()} names them,
     * so the settings, and with them the cache, are the ConfigSource's.
     *
     * @throws IllegalArgumentException naming a malformed setting
     */
    static Settings settings(ConfigSourceContext context) {
        Map<String, String> found = new HashMap<>();
        for (String key : SETTINGS) {
            put(found, context, key);
        }
        for (Iterator<String> names = context.iterateNames(); names.hasNext();) {
            String name = names.next();
            if (name.startsWith(Settings.MAP_PREFIX)) {
                put(found, context, name);
            } else if (name.startsWith(ENV_MAP_PREFIX) && name.length() > ENV_MAP_PREFIX.length()) {
                put(found, context, Settings.MAP_PREFIX
                        + name.substring(ENV_MAP_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
            }
        }
        return Settings.from(Bootstrap.of("the configuration (SmallRye ConfigSourceContext)", found));
    }

    private static void put(Map<String, String> found, ConfigSourceContext context, String key) {
        ConfigValue v = context.getValue(key);
        if (v != null && v.getValue() != null) {
            found.put(key, v.getValue());
        }
    }
}
