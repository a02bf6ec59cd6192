package dev.coffer.server.agent;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.internal.Durations;
import dev.coffer.spi.internal.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads the agent's YAML (1.2, safe: plain maps, lists and scalars, no types) into
 * {@link AgentConfig}. Every error names the key ({@code templates[1].format}); unknown keys are
 * errors, so a misspelt {@code on-revoke} cannot silently keep the default.
 *
 * <pre>{@code
 * AgentConfig config = AgentConfigLoader.load(Path.of("/etc/coffer/agent.yaml"));
 * }</pre>
 */
public final class AgentConfigLoader {
    /** The config and every template file are bounded; a config is a few kilobytes. */
    static final int MAX_FILE_BYTES = 1 << 20;
    static final int MAX_TEMPLATES = 256;
    static final int MAX_SECRETS = 256;
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_COMMAND_TIMEOUT = Duration.ofHours(1);
    private static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern PID = Pattern.compile("\\d{1,10}");

    private final String file;

    private AgentConfigLoader(String file) {
        this.file = file;
    }

    /**
     * Loads and checks {@code path}; template files are read now.
     *
     * @throws AgentConfigException naming the file and the key at fault
     */
    public static AgentConfig load(Path path) {
        AgentConfigLoader loader = new AgentConfigLoader(path.toString());
        String text = loader.readBounded(path, "the config file");
        return loader.parse(text, path.toAbsolutePath().getParent());
    }

    /** Parses {@code yaml} as if read from a file named {@code name}; relative template files resolve in {@code dir}. */
    public static AgentConfig parse(String name, String yaml, Path dir) {
        return new AgentConfigLoader(name).parse(yaml, dir);
    }

    private AgentConfig parse(String yaml, Path dir) {
        Object root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(10).setAllowRecursiveKeys(false).setCodePointLimit(MAX_FILE_BYTES).build();
            root = new Load(settings).loadFromString(yaml);
        } catch (YamlEngineException e) {
            // The parser's message quotes the offending line; a config holds no value, only references.
            throw error("", "is not valid YAML: " + Messages.printable(firstLine(e.getMessage())));
        }
        Node top = new Node(this, "", root == null ? Map.of() : root);
        Map<String, Object> map = top.map();
        top.allow(map, "server", "token-file", "tenant", "cache", "listen", "templates");
        String server = top.child(map, "server").string();
        if (Settings.EMBEDDED.equals(server)) {
            throw error("server", "'embedded' is not supported by the agent: give the server's http(s) URL");
        }
        checkUrl(server);
        Path tokenFile = Path.of(top.child(map, "token-file").string());
        String tenant = map.containsKey("tenant") ? top.child(map, "tenant").string() : Settings.DEFAULT_TENANT;
        CachePolicy cache = cache(top, map);
        Listen listen = map.containsKey("listen") ? listen(top.child(map, "listen")) : null;
        Node list = top.child(map, "templates");
        List<Object> items = list.list();
        if (items.isEmpty()) {
            throw error("templates", "lists no template; give at least one");
        }
        if (items.size() > MAX_TEMPLATES) {
            throw error("templates", "lists " + items.size() + " templates; at most " + MAX_TEMPLATES);
        }
        List<TemplateSpec> templates = new ArrayList<>();
        Set<Path> destinations = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            TemplateSpec t = template(new Node(this, "templates[" + i + "]", items.get(i)), dir);
            if (!destinations.add(t.destination())) {
                throw error(t.key() + ".destination", t.destination() + " is the destination of an earlier template too");
            }
            templates.add(t);
        }
        AgentConfig config = new AgentConfig(server, tokenFile, tenant, cache, listen, templates);
        try {
            config.settings(Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw error("", e.getMessage());
        }
        return config;
    }

    private void checkUrl(String server) {
        try {
            URI uri = URI.create(server);
            if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw error("server", "'" + Messages.printable(server) + "' is not an http(s) URL, e.g. https://coffer.internal:8443");
        }
    }

    private CachePolicy cache(Node top, Map<String, Object> map) {
        if (!map.containsKey("cache")) {
            return CachePolicy.DEFAULTS;
        }
        Node node = top.child(map, "cache");
        Map<String, Object> c = node.map();
        node.allow(c, "ttl", "jitter", "max-stale", "watch");
        Duration ttl = c.containsKey("ttl") ? node.child(c, "ttl").duration() : CachePolicy.DEFAULTS.ttl();
        Duration jitter = c.containsKey("jitter") ? node.child(c, "jitter").duration() : CachePolicy.DEFAULTS.jitter();
        Duration maxStale = c.containsKey("max-stale") ? node.child(c, "max-stale").duration() : CachePolicy.DEFAULTS.maxStale();
        boolean watch = !c.containsKey("watch") || node.child(c, "watch").bool();
        if (ttl.isZero()) {
            throw error("cache.ttl", "must be positive");
        }
        return new CachePolicy(ttl, jitter, maxStale, watch);
    }

    private Listen listen(Node node) {
        String text = node.string();
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = colon > 0 ? text.substring(colon + 1) : "";
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw error(node.key, "'" + Messages.printable(text) + "' is not host:port, e.g. 127.0.0.1:8787");
        }
        return new Listen(host, Integer.parseInt(port));
    }

    private TemplateSpec template(Node node, Path dir) {
        String key = node.key;
        Map<String, Object> m = node.map();
        node.allow(m, "destination", "permissions", "format", "secrets", "secret", "template", "template-file",
                "command", "command-timeout", "signal", "on-revoke");
        Path destination = Path.of(node.child(m, "destination").string());
        if (destination.getFileName() == null) {
            throw error(key + ".destination", "names no file");
        }
        Set<PosixFilePermission> permissions = m.containsKey("permissions") ? permissions(node.child(m, "permissions")) : DEFAULT_PERMISSIONS;
        Format format = m.containsKey("format") ? node.child(m, "format").choice(Format.values(), Format::word) : Format.TEMPLATE;
        Map<String, SecretMapping> secrets = new LinkedHashMap<>();
        if (format == Format.RAW) {
            if (m.containsKey("secrets")) {
                throw error(key + ".secrets", "format raw takes exactly one secret: write secret: <environment>/<path>");
            }
            Node secret = node.child(m, "secret");
            secrets.put("secret", reference(secret.key, secret.string()));
        } else {
            if (m.containsKey("secret")) {
                throw error(key + ".secret", "is for format raw; format " + format.word() + " takes secrets: {name: reference, ...}");
            }
            Node s = node.child(m, "secrets");
            Map<String, Object> refs = s.map();
            if (refs.isEmpty()) {
                throw error(s.key, "names no secret");
            }
            if (refs.size() > MAX_SECRETS) {
                throw error(s.key, "names " + refs.size() + " secrets; at most " + MAX_SECRETS);
            }
            for (String name : refs.keySet()) {
                Node ref = s.child(refs, name);
                checkName(format, ref.key, name);
                secrets.put(name, reference(ref.key, ref.string()));
            }
        }
        String template = null;
        if (format == Format.TEMPLATE) {
            if (m.containsKey("template") == m.containsKey("template-file")) {
                throw error(key, "format template needs exactly one of template: (inline) and template-file:");
            }
            if (m.containsKey("template")) {
                template = node.child(m, "template").string();
            } else {
                Node f = node.child(m, "template-file");
                Path p = Path.of(f.string());
                template = readBounded(dir == null ? p : dir.resolve(p), f.key);
            }
        } else if (m.containsKey("template") || m.containsKey("template-file")) {
            throw error(key + (m.containsKey("template") ? ".template" : ".template-file"), "is only for format template, not " + format.word());
        }
        List<String> command = List.of();
        if (m.containsKey("command")) {
            Node c = node.child(m, "command");
            List<Object> parts = c.list();
            if (parts.isEmpty()) {
                throw error(c.key, "is empty; write e.g. [\"sh\", \"-c\", \"kill -HUP $(cat /run/app.pid)\"]");
            }
            List<String> words = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                words.add(new Node(this, c.key + "[" + i + "]", parts.get(i)).string());
            }
            command = words;
        }
        Duration timeout = m.containsKey("command-timeout") ? node.child(m, "command-timeout").duration() : DEFAULT_COMMAND_TIMEOUT;
        if (timeout.isZero() || timeout.compareTo(MAX_COMMAND_TIMEOUT) > 0) {
            throw error(key + ".command-timeout", "must be more than 0 and at most 1h");
        }
        SignalSpec signal = m.containsKey("signal") ? signal(node.child(m, "signal")) : null;
        if (signal != null && !command.isEmpty()) {
            throw error(key, "has both command: and signal:; choose one");
        }
        OnRevoke onRevoke = m.containsKey("on-revoke") ? node.child(m, "on-revoke").choice(OnRevoke.values(), OnRevoke::word) : OnRevoke.REMOVE;
        TemplateSpec spec = new TemplateSpec(key, destination, permissions, format, secrets, template, command, timeout, signal, onRevoke);
        try {
            Renderers.of(spec).check();
        } catch (RenderException e) {
            throw error(key + ".template" + (m.containsKey("template-file") ? "-file" : ""), e.getMessage());
        }
        return spec;
    }

    private void checkName(Format format, String key, String name) {
        boolean ok = switch (format) {
            case ENV -> ENV_NAME.matcher(name).matches();
            case TEMPLATE -> TEMPLATE_NAME.matcher(name).matches();
            default -> !name.isEmpty() && name.length() <= 256;
        };
        if (!ok) {
            throw error(key, "'" + Messages.printable(name) + "' is not a valid name for format " + format.word()
                    + (format == Format.ENV ? " (letters, digits and _, not starting with a digit)"
                            : format == Format.TEMPLATE ? " (letters, digits, _ and -; a dot would be a Mustache path)" : ""));
        }
    }

    private SecretMapping reference(String key, String text) {
        try {
            return SecretMapping.parse(key, text);
        } catch (IllegalArgumentException e) {
            throw error("", e.getMessage().replace(Settings.MAP_PREFIX + key, key));
        }
    }

    private Set<PosixFilePermission> permissions(Node node) {
        Object raw = node.value;
        if (!(raw instanceof String text) || !OCTAL.matcher(text).matches()) {
            throw error(node.key, "must be a quoted octal mode like \"0640\" (a YAML number such as 640 is not read as octal)");
        }
        int mode = Integer.parseInt(text, 8);
        if ((mode & 0007) != 0) {
            throw error(node.key, "\"" + text + "\" lets every user read or write the file; give others no rights (e.g. \"0640\")");
        }
        if ((mode & 0200) == 0 || (mode & 0400) == 0) {
            throw error(node.key, "\"" + text + "\" must let the owner read and write the file (e.g. \"0600\")");
        }
        StringBuilder s = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    private SignalSpec signal(Node node) {
        Map<String, Object> m = node.map();
        node.allow(m, "pid-file", "name");
        Path pidFile = Path.of(node.child(m, "pid-file").string());
        Node n = node.child(m, "name");
        String name = n.string().toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        if (!SignalSpec.NAMES.contains(name)) {
            throw error(n.key, "'" + Messages.printable(n.string()) + "' is not one of " + new java.util.TreeSet<>(SignalSpec.NAMES));
        }
        return new SignalSpec(pidFile, name);
    }

    /** The PID in {@code text} (a pid file's content), or -1. */
    static long pid(String text) {
        String t = text.trim();
        return PID.matcher(t).matches() ? Long.parseLong(t) : -1;
    }

    private String readBounded(Path path, String what) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw error(what.startsWith("the config") ? "" : what, path + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw error(what.startsWith("the config") ? "" : what, path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        return text.strip().lines().findFirst().orElse("");
    }

    AgentConfigException error(String key, String message) {
        return new AgentConfigException(file + ": " + (key.isEmpty() ? "" : key + ": ") + message);
    }

    /** A value of the loaded tree and the key that reached it. */
    private static final class Node {
        final AgentConfigLoader loader;
        final String key;
        final Object value;

        Node(AgentConfigLoader loader, String key, Object value) {
            this.loader = loader;
            this.key = key;
            this.value = value;
        }

        Node child(Map<String, Object> map, String name) {
            String k = key.isEmpty() ? name : key + "." + name;
            if (!map.containsKey(name) || map.get(name) == null) {
                throw loader.error(k, "is required");
            }
            return new Node(loader, k, map.get(name));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            if (!(value instanceof Map<?, ?> m)) {
                throw loader.error(key, "must be a mapping (key: value)");
            }
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw loader.error(key, "has a key that is not text: " + Messages.printable(String.valueOf(k)));
                }
            }
            return (Map<String, Object>) m;
        }

        @SuppressWarnings("unchecked")
        List<Object> list() {
            if (!(value instanceof List<?>)) {
                throw loader.error(key, "must be a list");
            }
            return (List<Object>) value;
        }

        String string() {
            if (value instanceof Map || value instanceof List || value == null) {
                throw loader.error(key, "must be a text value");
            }
            String s = String.valueOf(value);
            if (s.isBlank()) {
                throw loader.error(key, "must not be empty");
            }
            return s;
        }

        boolean bool() {
            if (!(value instanceof Boolean b)) {
                throw loader.error(key, "must be true or false");
            }
            return b;
        }

        Duration duration() {
            try {
                return Durations.parse(key, string());
            } catch (AgentConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw loader.error("", e.getMessage());
            }
        }

        <E> E choice(E[] options, java.util.function.Function<E, String> word) {
            String s = string();
            for (E o : options) {
                if (word.apply(o).equals(s)) {
                    return o;
                }
            }
            List<String> words = new ArrayList<>();
            for (E o : options) {
                words.add(word.apply(o));
            }
            throw loader.error(key, "'" + Messages.printable(s) + "' is not one of " + String.join(", ", words));
        }

        void allow(Map<String, Object> map, String... names) {
            Set<String> known = Set.of(names);
            for (String k : map.keySet()) {
                if (!known.contains(k)) {
                    throw loader.error(key.isEmpty() ? k : key + "." + k, "is not a known key; known: " + String.join(", ", names));
                }
            }
        }
    }
}
