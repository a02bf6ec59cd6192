package dev.coffer.config.settings;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code coffer.*} settings as MicroProfile Config would resolve them, read directly from the
 * three default sources; never through {@code ConfigProvider}, which would build the very
 * configuration this source is part of and recurse.
 *
 * <p>Precedence follows the MicroProfile Config ordinals: system properties (400), environment
 * variables (300), then every {@code META-INF/microprofile-config.properties} on the class loader
 * by its {@code config_ordinal} (100 when absent); the highest ordinal that has a key wins.
 * Environment variables are looked up by the MicroProfile rules: the exact name, then every
 * non-alphanumeric character replaced by {@code _}, then that in upper case
 * ({@code coffer.token-file} → {@code COFFER_TOKEN_FILE}).
 *
 * <p>Mappings given as environment variables cannot be found by lookup (their property name is
 * the unknown), so {@link #names()} also reports {@code COFFER_MAP_<NAME>} as
 * {@code coffer.map.<name>} with the name in lower case and {@code _} turned into {@code .}:
 * {@code COFFER_MAP_DB_PASSWORD=prod/db/password} maps {@code db.password}. Properties whose
 * names do not fit that rule are mapped in a properties file or a system property.
 */
public final class Bootstrap {
    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());
    private static final String FILE = "META-INF/microprofile-config.properties";
    private static final String ENV_MAP_PREFIX = "COFFER_MAP_";

    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final List<PropertiesFile> files;

    /** One {@code microprofile-config.properties}: where it is (for {@link #origin}) and its coffer entries. */
    private record PropertiesFile(String origin, Map<String, String> entries) {
        int ordinal() {
            String o = entries.get("config_ordinal");
            try {
                return o == null ? 100 : Integer.parseInt(o.trim());
            } catch (NumberFormatException e) {
                return 100;
            }
        }
    }

    /** A value and the source it came from. */
    private record Found(String value, String origin) {}

    /**
     * Bootstrap sources given explicitly (tests, embedding).
     *
     * @param systemProperties highest precedence
     * @param environment environment variables
     * @param files contents of microprofile-config.properties files, any order; each may hold
     *     {@code config_ordinal}
     */
    public Bootstrap(Map<String, String> systemProperties, Map<String, String> environment, List<Map<String, String>> files) {
        this(systemProperties, environment, named(files));
    }

    private Bootstrap(Map<String, String> systemProperties, Map<String, String> environment, Collection<PropertiesFile> files) {
        this.systemProperties = Map.copyOf(systemProperties);
        this.environment = Map.copyOf(environment);
        List<PropertiesFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparingInt(PropertiesFile::ordinal).reversed());
        this.files = List.copyOf(sorted);
    }

    /**
     * Settings handed over by a configuration that has read them already (SmallRye's
     * {@code ConfigSourceContext}): {@code entries} are the {@code coffer.*} keys and values,
     * {@code origin} is what {@link #origin} reports for each.
     */
    public static Bootstrap of(String origin, Map<String, String> entries) {
        return new Bootstrap(Map.of(), Map.of(), List.of(new PropertiesFile(origin, Map.copyOf(entries))));
    }

    private static List<PropertiesFile> named(List<Map<String, String>> files) {
        List<PropertiesFile> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            out.add(new PropertiesFile(FILE + " #" + (i + 1), Map.copyOf(files.get(i))));
        }
        return out;
    }

    /** The running JVM's system properties, environment and the files {@code loader} sees. */
    public static Bootstrap load(ClassLoader loader) {
        Map<String, String> sys = new HashMap<>();
        Properties props = System.getProperties();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("coffer.")) {
                sys.put(name, props.getProperty(name));
            }
        }
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.regionMatches(true, 0, "coffer", 0, 6)) {
                env.put(k, v);
            }
        });
        return new Bootstrap(sys, env, files(loader));
    }

    private static List<PropertiesFile> files(ClassLoader loader) {
        List<PropertiesFile> out = new ArrayList<>();
        if (loader == null) {
            return out;
        }
        try {
            Enumeration<URL> urls = loader.getResources(FILE);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                Properties p = new Properties();
                try (InputStream in = url.openStream()) {
                    p.load(in);
                }
                Map<String, String> m = new HashMap<>();
                for (String name : p.stringPropertyNames()) {
                    if (name.startsWith("coffer.") || name.equals("config_ordinal")) {
                        m.put(name, p.getProperty(name));
                    }
                }
                out.add(new PropertiesFile(url.toString(), m));
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Coffer ConfigSource could not read " + FILE + " (" + e.getClass().getSimpleName()
                    + "); settings from it are ignored");
        }
        return out;
    }

    /** The value of {@code key} from the highest-ordinal source that has it; blank counts as absent. */
    public Optional<String> get(String key) {
        return find(key).map(Found::value);
    }

    /**
     * Where the value {@link #get} returns for {@code key} comes from, for telling an operator which
     * setting won: {@code system property coffer.url}, {@code environment variable COFFER_URL} or the
     * URL of the {@code microprofile-config.properties} file. Never the value.
     */
    public Optional<String> origin(String key) {
        return find(key).map(Found::origin);
    }

    private Optional<Found> find(String key) {
        Found found = null;
        int best = Integer.MIN_VALUE;
        if (systemProperties.containsKey(key)) {
            found = new Found(systemProperties.get(key), "system property " + key);
            best = 400;
        } else {
            String name = envName(key);
            if (name != null) {
                found = new Found(environment.get(name), "environment variable " + name);
                best = 300;
            }
        }
        for (PropertiesFile file : files) { // highest ordinal first
            if (file.ordinal() > best && file.entries().containsKey(key)) {
                found = new Found(file.entries().get(key), file.origin());
                break;
            }
        }
        if (found == null || found.value() == null || found.value().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Found(found.value().trim(), found.origin()));
    }

    /** The environment variable that holds {@code key} by the MicroProfile rules, or {@code null}. */
    private String envName(String key) {
        if (environment.containsKey(key)) {
            return key;
        }
        String sanitized = key.replaceAll("[^A-Za-z0-9]", "_");
        if (environment.containsKey(sanitized)) {
            return sanitized;
        }
        String upper = sanitized.toUpperCase(Locale.ROOT);
        return environment.containsKey(upper) ? upper : null;
    }

    /** Every {@code coffer.*} name that some source defines (names only, no values read). */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(systemProperties.keySet());
        for (String k : environment.keySet()) {
            if (k.startsWith("coffer.")) {
                names.add(k);
            } else if (k.startsWith(ENV_MAP_PREFIX) && k.length() > ENV_MAP_PREFIX.length()) {
                names.add(Settings.MAP_PREFIX + k.substring(ENV_MAP_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
            }
        }
        files.forEach(f -> names.addAll(f.entries().keySet()));
        names.remove("config_ordinal");
        return names;
    }
}
