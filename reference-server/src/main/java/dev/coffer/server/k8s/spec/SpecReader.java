package dev.coffer.server.k8s.spec;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.server.k8s.spec.SpecNode.Fields;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.SecretPath;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a delivery spec (YAML 1.2) into a {@link DeliverySpec} and checks everything that needs
 * only the spec: types, names, references between managers, connectors, providers, secrets and
 * workloads, which injection kinds a provider supports. Every error is a {@link SpecException}
 * with the file, line and field ({@code spec.yaml:14: managers[1].secrets[0].provider}) and the
 * fix. No value is read: a literal connector's values are parsed but never appear in a message.
 *
 * <pre>{@code
 * DeliverySpec spec = SpecReader.read(Path.of("delivery.yaml"));
 * SpecReader.warnings(spec).forEach(System.err::println);
 * }</pre>
 *
 * <p>The YAML is composed, not loaded (snakeyaml-engine's Node tree keeps each node's line), with
 * the core schema, no duplicate keys and at most {@value #MAX_ALIASES} aliases; the file is at most
 * {@value #MAX_FILE_BYTES} bytes and nests at most {@value #MAX_DEPTH} levels.
 */
public final class SpecReader {
    /** The one {@code apiVersion} this reader understands. */
    public static final String API_VERSION = "coffer.dev/v1alpha1";
    /** The {@code kind} of a delivery spec. */
    public static final String KIND = "DeliverySpec";

    static final int MAX_FILE_BYTES = 1 << 20;
    static final int MAX_MANAGERS = 256;
    static final int MAX_SECRETS = 1024;
    static final int MAX_WORKLOADS = 256;
    static final int MAX_INJECTIONS = 1024;
    static final int MAX_CONNECTORS = 64;
    static final int MAX_PROVIDERS = 64;
    static final int MAX_NAMESPACES = 64;
    static final int MAX_CONTAINER_INDEX = 255;
    static final int MAX_REPLICAS = 10_000;
    /** Aliases are rarely useful in a spec; a few are allowed, so that an alias cannot multiply the work. */
    static final int MAX_ALIASES = 16;
    /** The format nests seven levels; the composer recurses, so a deeper document is refused before it is composed. */
    static final int MAX_DEPTH = 32;
    /** How many names an error lists before it says how many more there are. */
    private static final int MAX_LISTED = 20;

    private static final Pattern ID = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,62}");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,253}");
    /** A Secret's data key (Kubernetes: {@code [-._a-zA-Z0-9]+}, at most 253). */
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** What a shell, a {@code .env} file and every runtime can read as a variable name (a C identifier). */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,252}");
    private static final Pattern ENV_PREFIX = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,126})?");
    private static final Pattern FILE_NAME = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    private static final Pattern RESOURCE = Pattern.compile("(deployment|statefulset|daemonset|job|cronjob)/(.+)");
    private static final String RESOURCE_HINT = "write <kind>/<name> with kind deployment, statefulset, daemonset, job or cronjob, e.g. deployment/web";

    private final String file;
    private final Path dir;

    private SpecReader(String file, Path dir) {
        this.file = file;
        this.dir = dir;
    }

    /**
     * Reads and checks the spec in {@code file}; relative {@code file:}, {@code envFile:} and
     * {@code tokenFile:} paths resolve against the file's directory.
     *
     * @throws SpecException naming the file, line and field at fault, and the fix
     */
    public static DeliverySpec read(Path file) {
        SpecReader reader = new SpecReader(file.toString(), file.toAbsolutePath().getParent());
        Where top = new Where(reader.file, 0, "");
        String text;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new SpecException(top, "is larger than " + MAX_FILE_BYTES + " bytes; a delivery spec is a few kilobytes");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(top, "cannot be read (" + e.getClass().getSimpleName() + "); check the path given with -f");
        }
        return reader.parse(text);
    }

    /**
     * Parses {@code yaml} as if read from a file named {@code fileName}; relative paths in it
     * resolve against {@code dir} (the spec's directory; {@code null} leaves them as written).
     *
     * @throws SpecException naming the file, line and field at fault, and the fix
     */
    public static DeliverySpec parse(String fileName, String yaml, Path dir) {
        return new SpecReader(fileName, dir).parse(yaml);
    }

    /**
     * Notes on a valid spec that are not errors, each starting with the {@link Where} it is about:
     * a secret no workload injects (it still becomes a Secret), a variable name only some programs
     * can read, a literal value no secret reads, strategies that {@code strict} overrides.
     *
     * <pre>
     * spec.yaml:22: managers[0].secrets[1]: secret 'API_KEY' of manager 'backend' is injected into no workload: delivered as Secret backend-app-secrets only
     * </pre>
     */
    public static List<String> warnings(DeliverySpec spec) {
        List<String> notes = new ArrayList<>();
        if (spec.conflicts().strict() && !spec.conflicts().strategies().isEmpty()) {
            notes.add(new Where(spec.file(), 0, "conflicts.strategies") + ": ignored: strict: true makes every level error");
        }
        for (ManagerSpec m : spec.managers()) {
            for (ConnectorSpec c : m.connectors().values()) {
                if (c instanceof ConnectorSpec.Literal literal) {
                    for (String name : literal.values().keySet()) {
                        boolean read = m.secrets().stream().anyMatch(s -> s.name().equals(name) && m.connectorOf(s) == c);
                        if (!read) {
                            notes.add(literal.where() + ": literal value '" + name + "' is read by no secret of manager '" + m.name() + "'");
                        }
                    }
                }
            }
            for (SecretSpec s : m.secrets()) {
                ProviderSpec p = m.providerOf(s);
                if (p instanceof ProviderSpec.SecretProvider sp && !injected(spec, m, s, p)) {
                    notes.add(s.where() + ": secret '" + s.name() + "' of manager '" + m.name() + "' is injected into no workload: delivered as Secret "
                            + sp.name() + " only (in " + String.join(", ", sp.namespaces()) + ")");
                }
            }
        }
        for (WorkloadSpec w : spec.workloads()) {
            for (InjectionSpec i : w.inject()) {
                if (i.kind().orElse(null) == InjectionKind.ENV && i.as().isEmpty() && i.secret().isPresent()
                        && !ENV_NAME.matcher(i.secret().get()).matches()) {
                    notes.add(i.where() + ": the variable is named '" + i.secret().get() + "' (the secret's name), which is not a C identifier"
                            + " and which shells and many programs cannot read: add `as:` with letters, digits and _");
                }
            }
        }
        return notes;
    }

    private static boolean injected(DeliverySpec spec, ManagerSpec m, SecretSpec s, ProviderSpec p) {
        for (WorkloadSpec w : spec.workloads()) {
            for (InjectionSpec i : w.inject()) {
                if (i.manager().equals(m.name())
                        && (i.secret().map(s.name()::equals).orElse(false) || i.provider().map(p.id()::equals).orElse(false))) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- document

    private DeliverySpec parse(String yaml) {
        Where top = new Where(file, 0, "");
        if (yaml.length() > MAX_FILE_BYTES || yaml.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_BYTES) {
            throw new SpecException(top, "is larger than " + MAX_FILE_BYTES + " bytes; a delivery spec is a few kilobytes");
        }
        LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES).setAllowRecursiveKeys(false).setCodePointLimit(MAX_FILE_BYTES)
                .setSchema(new CoreSchema()).build();
        Node root;
        try {
            checkShape(settings, yaml);
            root = new Compose(settings).composeString(yaml).orElse(null);
        } catch (MarkedYamlEngineException e) {
            // The problem only: the exception's full message quotes the line, which may hold a literal value.
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new SpecException(new Where(file, line, ""), "is not valid YAML: " + Messages.printable(e.getProblem()));
        } catch (YamlEngineException e) {
            throw new SpecException(top, "is not valid YAML: " + Messages.printable(firstLine(e.getMessage())));
        }
        if (root == null) {
            throw new SpecException(top, "is empty; start with apiVersion: " + API_VERSION + " and kind: " + KIND);
        }
        SpecNode doc = new SpecNode(root, new Where(file, SpecNode.line(root), ""));
        Fields f = doc.fields("apiVersion", "kind", "coffer", "conflicts", "managers", "workloads");
        SpecNode apiVersion = f.req("apiVersion");
        if (!API_VERSION.equals(apiVersion.string())) {
            throw apiVersion.error("'" + Messages.printable(apiVersion.string()) + "' is not supported; write apiVersion: " + API_VERSION);
        }
        SpecNode kind = f.req("kind");
        if (!KIND.equals(kind.string())) {
            throw kind.error("'" + Messages.printable(kind.string()) + "' is not a delivery spec; write kind: " + KIND);
        }
        Optional<CofferServer> coffer = f.opt("coffer").map(this::coffer);
        ConflictPolicy conflicts = f.opt("conflicts").map(SpecReader::conflicts).orElse(ConflictPolicy.DEFAULTS);

        SpecNode managersNode = f.req("managers");
        List<SpecNode> managerItems = managersNode.items(MAX_MANAGERS, "managers");
        if (managerItems.isEmpty()) {
            throw managersNode.error("lists no manager; give at least one (one per team)");
        }
        Map<String, ManagerSpec> managers = new LinkedHashMap<>();
        Map<String, Where> managerNames = new LinkedHashMap<>();
        for (SpecNode item : managerItems) {
            ManagerSpec m = manager(item, managerNames);
            managers.put(m.name(), m);
        }

        List<WorkloadSpec> workloads = new ArrayList<>();
        if (f.has("workloads")) {
            Map<String, Where> ids = new LinkedHashMap<>();
            for (SpecNode item : f.req("workloads").items(MAX_WORKLOADS, "workloads")) {
                workloads.add(workload(item, ids, managers));
            }
        }
        checkAgentSecretsDelivered(managers.values(), workloads);
        return new DeliverySpec(file, coffer, conflicts, List.copyOf(managers.values()), workloads);
    }

    /** Refuses deep nesting and many aliases from the event stream, which is read without recursion. */
    private void checkShape(LoadSettings settings, String yaml) {
        int depth = 0;
        int aliases = 0;
        for (Event e : new Parse(settings).parseString(yaml)) {
            switch (e.getEventId()) {
                case MappingStart, SequenceStart -> {
                    if (++depth > MAX_DEPTH) {
                        throw new SpecException(new Where(file, markLine(e), ""), "nests deeper than " + MAX_DEPTH + " levels; a delivery spec needs about seven");
                    }
                }
                case MappingEnd, SequenceEnd -> depth--;
                case Alias -> {
                    if (++aliases > MAX_ALIASES) {
                        throw new SpecException(new Where(file, markLine(e), ""), "uses more than " + MAX_ALIASES + " aliases; write the values out");
                    }
                }
                default -> {
                    // scalars, documents and comments need no bound beyond the file's size
                }
            }
        }
    }

    private static int markLine(Event e) {
        return e.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private CofferServer coffer(SpecNode node) {
        Fields f = node.fields("url", "tokenFile");
        SpecNode url = f.req("url");
        checkUrl(url);
        return new CofferServer(url.string(), f.opt("tokenFile").map(this::path), node.where());
    }

    private static ConflictPolicy conflicts(SpecNode node) {
        Fields f = node.fields("strict", "strategies");
        boolean strict = f.opt("strict").map(SpecNode::bool).orElse(false);
        Map<ConflictLevel, ConflictStrategy> strategies = new EnumMap<>(ConflictLevel.class);
        if (f.has("strategies")) {
            String[] levels = new String[ConflictLevel.values().length];
            for (ConflictLevel l : ConflictLevel.values()) {
                levels[l.ordinal()] = l.specName();
            }
            String[] words = new String[ConflictStrategy.values().length];
            for (ConflictStrategy s : ConflictStrategy.values()) {
                words[s.ordinal()] = s.specName();
            }
            Fields s = f.req("strategies").fields(levels);
            for (ConflictLevel l : ConflictLevel.values()) {
                s.opt(l.specName()).ifPresent(v -> strategies.put(l, ConflictStrategy.of(v.choice(words)).orElseThrow()));
            }
        }
        return new ConflictPolicy(strict, strategies);
    }

    // ---------------------------------------------------------------- managers

    private ManagerSpec manager(SpecNode node, Map<String, Where> names) {
        Fields f = node.fields("name", "connectors", "defaultConnector", "providers", "defaultProvider", "secrets");
        SpecNode nameNode = f.req("name");
        String name = dnsLabel(nameNode, "manager name");
        Where first = names.putIfAbsent(name, nameNode.where());
        if (first != null) {
            throw nameNode.error("manager name '" + name + "' is already used at " + at(first) + "; give each team's manager its own name");
        }

        SpecNode connectorsNode = f.req("connectors");
        Fields cf = connectorsNode.entries(MAX_CONNECTORS, "connectors");
        if (cf.isEmpty()) {
            throw connectorsNode.error("names no connector; give at least one, e.g. env: { type: env }");
        }
        Map<String, ConnectorSpec> connectors = new LinkedHashMap<>();
        cf.all().forEach((id, value) -> connectors.put(id, connector(id(id, value, "connector"), value)));

        SpecNode providersNode = f.req("providers");
        Fields pf = providersNode.entries(MAX_PROVIDERS, "providers");
        if (pf.isEmpty()) {
            throw providersNode.error("names no provider; give at least one, e.g. app: { type: opaque, name: " + name + "-secrets }");
        }
        Map<String, ProviderSpec> providers = new LinkedHashMap<>();
        pf.all().forEach((id, value) -> providers.put(id, provider(id(id, value, "provider"), value)));

        Optional<String> defaultConnector = defaultOf(f, "defaultConnector", connectors.keySet(), "connector");
        Optional<String> defaultProvider = defaultOf(f, "defaultProvider", providers.keySet(), "provider");

        SpecNode secretsNode = f.req("secrets");
        List<SpecNode> items = secretsNode.items(MAX_SECRETS, "secrets");
        if (items.isEmpty()) {
            throw secretsNode.error("lists no secret; give at least one, e.g. - name: DATABASE_URL");
        }
        List<SecretSpec> secrets = new ArrayList<>();
        Map<String, Where> secretNames = new LinkedHashMap<>();
        for (SpecNode item : items) {
            secrets.add(secret(item, name, connectors, defaultConnector, providers, defaultProvider, secretNames));
        }
        return new ManagerSpec(name, connectors, defaultConnector, providers, defaultProvider, secrets, node.where());
    }

    /** The default written, which must name one of {@code ids}; else the only one; else none. */
    private static Optional<String> defaultOf(Fields f, String key, Set<String> ids, String what) {
        Optional<SpecNode> written = f.opt(key);
        if (written.isPresent()) {
            String id = written.get().string();
            if (!ids.contains(id)) {
                throw written.get().error("unknown " + what + " '" + Messages.printable(id) + "'; known: " + listed(ids));
            }
            return Optional.of(id);
        }
        return ids.size() == 1 ? Optional.of(ids.iterator().next()) : Optional.empty();
    }

    private static String id(String id, SpecNode value, String what) {
        if (!ID.matcher(id).matches()) {
            throw value.error("'" + Messages.printable(id) + "' is not a valid " + what + " id: a letter, then letters, digits, _ and - (at most 63)");
        }
        return id;
    }

    private ConnectorSpec connector(String id, SpecNode node) {
        SpecNode type = node.entries(16, "keys").req("type");
        return switch (type.choice("coffer", "env", "literal")) {
            case "coffer" -> {
                Fields f = node.fields("type", "environment");
                Optional<String> environment = f.opt("environment").map(SpecReader::environment);
                yield new ConnectorSpec.Coffer(id, environment, node.where());
            }
            case "env" -> {
                Fields f = node.fields("type", "prefix", "envFile");
                String prefix = ConnectorSpec.Env.DEFAULT_PREFIX;
                if (f.has("prefix")) {
                    SpecNode p = f.req("prefix");
                    prefix = p.text();
                    if (!ENV_PREFIX.matcher(prefix).matches()) {
                        throw p.error("'" + Messages.printable(prefix) + "' is not a variable prefix: letters, digits and _, not starting with a digit");
                    }
                }
                yield new ConnectorSpec.Env(id, prefix, f.opt("envFile").map(this::path), node.where());
            }
            default -> {
                Fields f = node.fields("type", "values");
                SpecNode valuesNode = f.req("values");
                Map<String, String> values = new LinkedHashMap<>();
                for (Map.Entry<String, SpecNode> e : valuesNode.entries(MAX_SECRETS, "values").all().entrySet()) {
                    secretName(e.getKey(), e.getValue());
                    SpecNode v = e.getValue();
                    // An empty literal is a value like any other, so text(), not string().
                    values.put(e.getKey(), v.text());
                }
                yield new ConnectorSpec.Literal(id, values, node.where());
            }
        };
    }

    private ProviderSpec provider(String id, SpecNode node) {
        SpecNode type = node.entries(16, "keys").req("type");
        String word = type.choice("opaque", "dockerconfigjson", "basic-auth", "tls", "agent");
        if (word.equals("agent")) {
            Fields f = node.fields("type", "image", "mode", "server", "audience", "mountPath", "namespaces");
            SpecNode imageNode = f.req("image");
            String image = imageNode.string();
            if (image.chars().anyMatch(Character::isWhitespace) || image.length() > 512) {
                throw imageNode.error("is not an image reference, e.g. ghcr.io/acme/coffer:0.1.0");
            }
            AgentMode mode = f.opt("mode").map(m -> AgentMode.of(m.choice("init", "sidecar", "both")).orElseThrow()).orElse(AgentMode.BOTH);
            SpecNode server = f.req("server");
            checkUrl(server);
            String audience = f.opt("audience").map(a -> {
                String s = a.string();
                if (s.length() > 253 || s.chars().anyMatch(Character::isWhitespace)) {
                    throw a.error("is not a token audience: at most 253 characters, no spaces");
                }
                return s;
            }).orElse(ProviderSpec.Agent.DEFAULT_AUDIENCE);
            String mountPath = f.opt("mountPath").map(SpecReader::absolutePath).orElse(ProviderSpec.Agent.DEFAULT_MOUNT_PATH);
            return new ProviderSpec.Agent(id, image, mode, server.string(), audience, mountPath, namespaces(f), node.where());
        }
        Fields f = node.fields("type", "name", "namespaces");
        String name = dnsSubdomain(f.req("name"), "Secret name");
        List<String> namespaces = namespaces(f);
        return switch (word) {
            case "opaque" -> new ProviderSpec.Opaque(id, name, namespaces, node.where());
            case "dockerconfigjson" -> new ProviderSpec.DockerConfigJson(id, name, namespaces, node.where());
            case "basic-auth" -> new ProviderSpec.BasicAuth(id, name, namespaces, node.where());
            default -> new ProviderSpec.Tls(id, name, namespaces, node.where());
        };
    }

    private static List<String> namespaces(Fields f) {
        if (!f.has("namespaces")) {
            return List.of("default");
        }
        SpecNode node = f.req("namespaces");
        List<SpecNode> items = node.items(MAX_NAMESPACES, "namespaces");
        if (items.isEmpty()) {
            throw node.error("lists no namespace; name at least one, or remove the key for [default]");
        }
        Map<String, Where> seen = new LinkedHashMap<>();
        for (SpecNode item : items) {
            String ns = dnsLabel(item, "namespace");
            Where first = seen.putIfAbsent(ns, item.where());
            if (first != null) {
                throw item.error("namespace '" + ns + "' is listed twice (first at line " + first.line() + "); remove one");
            }
        }
        return List.copyOf(seen.keySet());
    }

    private SecretSpec secret(SpecNode node, String manager, Map<String, ConnectorSpec> connectors, Optional<String> defaultConnector,
            Map<String, ProviderSpec> providers, Optional<String> defaultProvider, Map<String, Where> names) {
        Fields f = node.fields("name", "connector", "provider", "path", "key");
        SpecNode nameNode = f.req("name");
        String name = secretName(nameNode.string(), nameNode);
        Where first = names.putIfAbsent(name, nameNode.where());
        if (first != null) {
            throw nameNode.error("secret '" + name + "' is already declared at " + at(first) + "; names are unique within a manager");
        }
        Optional<String> connectorId = reference(f, "connector", connectors.keySet(), manager);
        Optional<String> providerId = reference(f, "provider", providers.keySet(), manager);
        String cid = connectorId.or(() -> defaultConnector).orElseThrow(() -> node.error("secret '" + name
                + "' names no connector and manager '" + manager + "' has no defaultConnector: add `connector:` or `defaultConnector:`"));
        String pid = providerId.or(() -> defaultProvider).orElseThrow(() -> node.error("secret '" + name
                + "' names no provider and manager '" + manager + "' has no defaultProvider: add `provider:` or `defaultProvider:`"));
        ConnectorSpec connector = connectors.get(cid);
        ProviderSpec provider = providers.get(pid);

        Optional<String> path = Optional.empty();
        if (connector instanceof ConnectorSpec.Coffer coffer) {
            SpecNode pathNode = f.opt("path").orElseThrow(() -> new SpecException(node.where().child("path", node.where().line()),
                    "is required: secret '" + name + "' reads coffer connector '" + cid + "', and a coffer connector needs `path:` on each secret,"
                            + " e.g. path: payments/db-password"));
            path = Optional.of(cofferPath(pathNode, coffer));
        } else if (f.has("path")) {
            throw f.req("path").error("is only for coffer connectors; secret '" + name + "' reads connector '" + cid + "' (" + connector.type() + ")");
        }
        if (connector instanceof ConnectorSpec.Env env && !ENV_NAME.matcher(env.prefix() + name).matches()) {
            throw nameNode.error("secret '" + name + "' reads the variable " + env.prefix() + name + " (connector '" + cid
                    + "'), which is not a valid variable name: use letters, digits and _ in the name, or another connector");
        }
        if (connector instanceof ConnectorSpec.Literal literal && !literal.values().containsKey(name)) {
            throw node.error("literal connector '" + cid + "' has no value for secret '" + name + "': add " + name + " under its values ("
                    + literal.where().field() + ".values)");
        }
        if (provider instanceof ProviderSpec.Agent && !(connector instanceof ConnectorSpec.Coffer)) {
            throw node.error("secret '" + name + "' is delivered by agent provider '" + pid + "', which reads Coffer itself: its connector must be"
                    + " a coffer connector, not '" + cid + "' (" + connector.type() + ")");
        }
        Optional<String> key = f.opt("key").map(k -> {
            String fixed = switch (provider.type()) {
                case "dockerconfigjson" -> ".dockerconfigjson";
                case "basic-auth" -> "username and password";
                case "tls" -> "tls.crt and tls.key";
                default -> null;
            };
            if (fixed != null) {
                throw k.error("is not for provider '" + pid + "' (" + provider.type() + "), whose Secret's keys are fixed: " + fixed);
            }
            String s = k.string();
            if (!SECRET_KEY.matcher(s).matches()) {
                throw k.error("'" + Messages.printable(s) + "' is not a Secret key: letters, digits, -, _ and . (at most 253)");
            }
            return s;
        });
        return new SecretSpec(name, connectorId, providerId, path, key, node.where());
    }

    /** A {@code connector:} or {@code provider:} of a secret, which must be one of the manager's. */
    private static Optional<String> reference(Fields f, String what, Set<String> ids, String manager) {
        return f.opt(what).map(n -> {
            String id = n.string();
            if (!ids.contains(id)) {
                throw n.error("unknown " + what + " '" + Messages.printable(id) + "' in manager '" + manager + "'; known: " + listed(ids));
            }
            return id;
        });
    }

    /**
     * Checks a coffer path with the parsing {@code coffer.map} lines use, joined to the connector's
     * environment as the connector will read it ({@link ConnectorSpec.Coffer#reference}).
     */
    private static String cofferPath(SpecNode node, ConnectorSpec.Coffer coffer) {
        String text = node.string();
        String full = coffer.reference(text);
        try {
            SecretMapping.reference(text, "'" + Messages.printable(text) + "'", full);
        } catch (IllegalArgumentException e) {
            String hint = coffer.environment().isEmpty() ? " (connector '" + coffer.id() + "' names no environment, so the path starts with one)" : "";
            throw node.error(e.getMessage() + hint);
        }
        return text;
    }

    // ---------------------------------------------------------------- workloads

    private WorkloadSpec workload(SpecNode node, Map<String, Where> ids, Map<String, ManagerSpec> managers) {
        Fields f = node.fields("id", "file", "generate", "defaultResource", "inject");
        SpecNode idNode = f.req("id");
        String id = idNode.string();
        if (!ID.matcher(id).matches()) {
            throw idNode.error("'" + Messages.printable(id) + "' is not a valid workload id: a letter, then letters, digits, _ and - (at most 63)");
        }
        Where first = ids.putIfAbsent(id, idNode.where());
        if (first != null) {
            throw idNode.error("workload id '" + id + "' is already used at " + at(first) + "; give each workload its own id");
        }
        if (f.has("file") == f.has("generate")) {
            throw node.error("workload '" + id + "' " + (f.has("file") ? "has both `file:` and `generate:`" : "has neither `file:` nor `generate:`")
                    + "; give exactly one: file: <manifest.yaml> or generate: { name, image }");
        }
        Optional<Path> manifest = f.opt("file").map(this::path);
        Optional<GeneratedDeployment> generate = f.opt("generate").map(SpecReader::generate);
        Optional<String> generated = generate.map(g -> "deployment/" + g.name());
        Optional<String> defaultResource = f.opt("defaultResource").map(r -> resource(r, generated));

        SpecNode injectNode = f.req("inject");
        List<SpecNode> items = injectNode.items(MAX_INJECTIONS, "injections");
        if (items.isEmpty()) {
            throw injectNode.error("lists no injection; give at least one, e.g. - { manager: backend, secret: DATABASE_URL, kind: env }");
        }
        List<InjectionSpec> inject = new ArrayList<>();
        for (SpecNode item : items) {
            inject.add(injection(item, id, managers, generate, generated));
        }
        return new WorkloadSpec(id, manifest, generate, defaultResource, inject, node.where());
    }

    private static GeneratedDeployment generate(SpecNode node) {
        Fields f = node.fields("name", "namespace", "image", "replicas", "port");
        // The container is named after the Deployment, so the name must also be a container name (a label).
        String name = dnsLabel(f.req("name"), "Deployment name");
        String namespace = f.opt("namespace").map(n -> dnsLabel(n, "namespace")).orElse("default");
        SpecNode imageNode = f.req("image");
        String image = imageNode.string();
        if (image.chars().anyMatch(Character::isWhitespace) || image.length() > 512) {
            throw imageNode.error("is not an image reference, e.g. registry.example.com/api:1.0");
        }
        int replicas = f.opt("replicas").map(r -> r.integer(0, MAX_REPLICAS)).orElse(1);
        OptionalInt port = f.opt("port").map(p -> OptionalInt.of(p.integer(1, 65535))).orElse(OptionalInt.empty());
        return new GeneratedDeployment(name, namespace, image, replicas, port);
    }

    private static String resource(SpecNode node, Optional<String> generated) {
        String text = node.string();
        var m = RESOURCE.matcher(text);
        if (!m.matches() || m.group(2).length() > 253 || !DNS_SUBDOMAIN.matcher(m.group(2)).matches()) {
            throw node.error("'" + Messages.printable(text) + "' is not a resource id; " + RESOURCE_HINT);
        }
        if (generated.isPresent() && !generated.get().equals(text)) {
            throw node.error("unknown resource '" + text + "'; the generated workload has only " + generated.get());
        }
        return text;
    }

    private InjectionSpec injection(SpecNode node, String workload, Map<String, ManagerSpec> managers,
            Optional<GeneratedDeployment> generate, Optional<String> generated) {
        Fields f = node.fields("manager", "secret", "provider", "kind", "as", "container", "resource", "mountPath");
        SpecNode managerNode = f.req("manager");
        String managerName = managerNode.string();
        ManagerSpec manager = managers.get(managerName);
        if (manager == null) {
            throw managerNode.error("unknown manager '" + Messages.printable(managerName) + "'; known: " + listed(managers.keySet()));
        }
        if (f.has("secret") == f.has("provider")) {
            throw node.error((f.has("secret") ? "has both `secret:` and `provider:`" : "names neither `secret:` nor `provider:`")
                    + "; give exactly one: secret: <name> (one secret) or provider: <id> (its whole Secret, kind envFrom)");
        }
        Optional<SpecNode> kindNode = f.opt("kind");
        Optional<InjectionKind> written = kindNode.map(k -> InjectionKind.of(k.choice("env", "envFrom", "volume", "imagePullSecrets")).orElseThrow());
        Optional<String> secretName = f.optString("secret");
        Optional<String> providerId = Optional.empty();
        ProviderSpec provider;
        InjectionKind kind;
        if (secretName.isEmpty()) {
            SpecNode providerNode = f.req("provider");
            String pid = providerNode.string();
            provider = manager.providers().get(pid);
            if (provider == null) {
                throw providerNode.error("unknown provider '" + Messages.printable(pid) + "' in manager '" + manager.name() + "'; known: "
                        + listed(manager.providers().keySet()));
            }
            if (written.isPresent() && written.get() != InjectionKind.ENV_FROM) {
                throw kindNode.get().error("`provider:` injects a whole Secret and goes only with kind envFrom; to inject one secret as "
                        + written.get().specName() + ", name it with `secret:`");
            }
            if (!provider.kinds().contains(InjectionKind.ENV_FROM)) {
                throw providerNode.error(unsupported(InjectionKind.ENV_FROM, provider));
            }
            for (String k : List.of("as", "mountPath")) {
                if (f.has(k)) {
                    throw f.req(k).error("is not for kind envFrom, which injects every key of Secret " + secretName(provider) + " under its own name");
                }
            }
            providerId = Optional.of(pid);
            kind = InjectionKind.ENV_FROM;
        } else {
            SpecNode secretNode = f.req("secret");
            String name = secretName.get();
            SecretSpec secret = manager.secret(name).orElseThrow(() -> secretNode.error("unknown secret '" + Messages.printable(name)
                    + "' in manager '" + manager.name() + "'; known: " + listed(manager.secrets().stream().map(SecretSpec::name).toList())));
            provider = manager.providerOf(secret);
            List<InjectionKind> single = provider.kinds().stream().filter(k -> k != InjectionKind.ENV_FROM).toList();
            if (written.isPresent()) {
                if (written.get() == InjectionKind.ENV_FROM) {
                    throw kindNode.get().error("kind envFrom injects a whole Secret: write `provider: " + provider.id() + "` instead of `secret:`");
                }
                if (!provider.kinds().contains(written.get())) {
                    throw kindNode.get().error(unsupported(written.get(), provider));
                }
                kind = written.get();
            } else if (single.size() == 1) {
                kind = single.get(0);
            } else if (f.has("mountPath") && single.contains(InjectionKind.VOLUME)) {
                kind = InjectionKind.VOLUME;
            } else if (f.has("as") && single.contains(InjectionKind.ENV)) {
                // A rename without a mount path is Kubricate's forName: an environment variable.
                kind = InjectionKind.ENV;
            } else {
                throw node.error("provider '" + provider.id() + "' (" + provider.type() + ") supports "
                        + provider.kinds().stream().map(InjectionKind::specName).collect(Collectors.joining(", ")) + ": give `kind:`");
            }
            checkForKind(node, f, kind, provider);
        }
        Optional<String> as = f.optString("as");
        Optional<ContainerRef> container = f.opt("container").map(SpecReader::container);
        Optional<String> resource = f.opt("resource").map(r -> resource(r, generated));
        Optional<String> mountPath = f.opt("mountPath").map(SpecReader::absolutePath);
        if (generate.isPresent() && !provider.namespaces().contains(generate.get().namespace())) {
            String ns = generate.get().namespace();
            throw node.error("workload '" + workload + "' runs in namespace '" + ns + "', but provider '" + provider.id() + "' of manager '"
                    + manager.name() + "' delivers into " + String.join(", ", provider.namespaces()) + " only: add " + ns + " to "
                    + provider.where().field() + ".namespaces");
        }
        return new InjectionSpec(manager.name(), secretName, providerId, Optional.of(kind), as, container, resource, mountPath, node.where());
    }

    /** The fields that only some kinds take. */
    private static void checkForKind(SpecNode node, Fields f, InjectionKind kind, ProviderSpec provider) {
        switch (kind) {
            case ENV -> {
                if (f.has("mountPath")) {
                    throw f.req("mountPath").error("is only for kind volume; this injection is kind env");
                }
                f.opt("as").ifPresent(a -> {
                    String s = a.string();
                    if (!ENV_NAME.matcher(s).matches()) {
                        throw a.error("'" + Messages.printable(s) + "' is not a valid environment variable name: letters, digits and _, not starting with a digit");
                    }
                });
            }
            case VOLUME -> {
                if (provider instanceof ProviderSpec.Agent agent && f.has("mountPath")) {
                    throw f.req("mountPath").error("is set once on agent provider '" + agent.id() + "' (" + agent.mountPath()
                            + "); an injection names only the file, with `as:`");
                }
                if (!(provider instanceof ProviderSpec.Agent) && !f.has("mountPath")) {
                    throw new SpecException(node.where().child("mountPath", node.where().line()),
                            "is required for kind volume on provider '" + provider.id() + "' (" + provider.type()
                                    + "): the directory the file appears in, e.g. mountPath: /etc/secrets");
                }
                f.opt("as").ifPresent(a -> {
                    String s = a.string();
                    if (!FILE_NAME.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                        throw a.error("'" + Messages.printable(s) + "' is not a file name: letters, digits, -, _ and . (no /)");
                    }
                });
            }
            case IMAGE_PULL_SECRETS -> {
                for (String k : List.of("as", "container", "mountPath")) {
                    if (f.has(k)) {
                        throw f.req(k).error("is not for kind imagePullSecrets: the pod pulls images with the whole Secret " + secretName(provider));
                    }
                }
            }
            default -> throw new IllegalStateException("envFrom is handled with provider:");
        }
    }

    private static String secretName(ProviderSpec provider) {
        return provider instanceof ProviderSpec.SecretProvider sp ? sp.name() : provider.id();
    }

    private static String unsupported(InjectionKind kind, ProviderSpec provider) {
        return "kind '" + kind.specName() + "' is not supported by provider '" + provider.id() + "' (" + provider.type() + "): it supports "
                + provider.kinds().stream().map(InjectionKind::specName).collect(Collectors.joining(", "));
    }

    private static ContainerRef container(SpecNode node) {
        if (node.isInt()) {
            return new ContainerRef.ByIndex(node.integer(0, MAX_CONTAINER_INDEX));
        }
        return new ContainerRef.ByName(dnsLabel(node, "container name"));
    }

    /** A secret on an agent provider reaches a workload only through an injection: none means delivered nowhere. */
    private static void checkAgentSecretsDelivered(Collection<ManagerSpec> managers, List<WorkloadSpec> workloads) {
        Set<String> injected = new HashSet<>();
        for (WorkloadSpec w : workloads) {
            for (InjectionSpec i : w.inject()) {
                i.secret().ifPresent(s -> injected.add(i.manager() + "\0" + s));
            }
        }
        for (ManagerSpec m : managers) {
            for (SecretSpec s : m.secrets()) {
                ProviderSpec p = m.providerOf(s);
                if (p instanceof ProviderSpec.Agent && !injected.contains(m.name() + "\0" + s.name())) {
                    throw new SpecException(s.where(), "secret '" + s.name() + "' of manager '" + m.name() + "' is delivered by agent provider '"
                            + p.id() + "', and no workload injects it, so it is delivered nowhere: inject it into a workload, or move it to a"
                            + " Secret provider");
                }
            }
        }
    }

    // ---------------------------------------------------------------- values

    private static String dnsLabel(SpecNode node, String what) {
        String s = node.string();
        if (!DNS_LABEL.matcher(s).matches()) {
            throw node.error("'" + Messages.printable(s) + "' is not a valid " + what + ": lowercase letters, digits and -, starting and ending"
                    + " with a letter or digit, at most 63 characters (a DNS-1123 label)");
        }
        return s;
    }

    private static String dnsSubdomain(SpecNode node, String what) {
        String s = node.string();
        if (s.length() > 253 || !DNS_SUBDOMAIN.matcher(s).matches()) {
            throw node.error("'" + Messages.printable(s) + "' is not a valid " + what + ": lowercase letters, digits, - and ., starting and"
                    + " ending with a letter or digit, at most 253 characters (a DNS-1123 subdomain)");
        }
        return s;
    }

    private static String secretName(String name, SpecNode node) {
        if (!SECRET_NAME.matcher(name).matches()) {
            throw node.error("'" + Messages.printable(name) + "' is not a valid secret name: letters, digits, _, . and - (at most 253)");
        }
        return name;
    }

    private static String environment(SpecNode node) {
        String s = node.string();
        try {
            return SecretPath.requireEnvironment(s);
        } catch (SecretsException e) {
            throw node.error("'" + Messages.printable(s) + "' is not an environment: " + e.getMessage());
        }
    }

    private static String absolutePath(SpecNode node) {
        String s = node.string();
        if (!s.startsWith("/") || s.length() > 1024 || s.contains("\0") || List.of(s.split("/")).contains("..") || s.contains(":")) {
            throw node.error("'" + Messages.printable(s) + "' is not an absolute path without '..' or ':', e.g. /etc/secrets");
        }
        return s;
    }

    private Path path(SpecNode node) {
        String s = node.string();
        try {
            Path p = Path.of(s);
            return dir == null || p.isAbsolute() ? p : dir.resolve(p);
        } catch (InvalidPathException e) {
            throw node.error("'" + Messages.printable(s) + "' is not a valid file path");
        }
    }

    private static void checkUrl(SpecNode node) {
        String s = node.string();
        try {
            URI uri = URI.create(s);
            if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw node.error("'" + Messages.printable(s) + "' is not an http(s) URL, e.g. https://coffer.internal:8443");
        }
    }

    /** {@code spec.yaml:4}: where an earlier element is, for "already used at". */
    private static String at(Where where) {
        return where.line() > 0 ? where.file() + ":" + where.line() : where.toString();
    }

    /** Names for "known: ..." — all of them up to a bound, then how many more. */
    private static String listed(Collection<String> names) {
        if (names.isEmpty()) {
            return "(none)";
        }
        List<String> shown = names.stream().limit(MAX_LISTED).map(Messages::printable).toList();
        String more = names.size() > MAX_LISTED ? " and " + (names.size() - MAX_LISTED) + " more" : "";
        return String.join(", ", shown) + more;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }
}
