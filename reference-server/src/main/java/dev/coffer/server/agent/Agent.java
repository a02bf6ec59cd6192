package dev.coffer.server.agent;

import dev.coffer.config.cache.Fetcher;
import dev.coffer.config.cache.SecretCache;
import dev.coffer.config.internal.Transports;
import dev.coffer.config.settings.SecretMapping;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent: one {@link SecretCache} over the remote transport holding every secret the templates
 * name, and the files rendered from it. {@link #renderAll()} brings every file in line with what
 * the cache serves: a changed content is written atomically and the command runs; a secret no
 * longer served (revoked, or past max-stale) removes or empties the file and tells the command;
 * served again, the file is rendered again.
 *
 * <pre>{@code
 * try (Agent agent = Agent.start(AgentConfigLoader.load(file), Duration.ofSeconds(60))) {
 *     agent.renderAll();        // --once stops here
 *     agent.runInBackground();  // long-running: on every cache change, and every ttl
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.coffer.agent");
    /** A burst of changes (a rotation touches several entries) becomes one render. */
    static final Duration DEBOUNCE = Duration.ofMillis(20);

    private final AgentConfig config;
    private final SecretCache cache;
    private final List<Slot> slots = new ArrayList<>();
    private final AgentMetrics metrics;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coffer-agent");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    /** One template and where it stands; touched by the loop thread (and the caller of --once) only. */
    private static final class Slot {
        final TemplateSpec spec;
        final Renderer renderer;
        volatile TemplateState state = TemplateState.PENDING;
        volatile String reason;

        Slot(TemplateSpec spec) {
            this.spec = spec;
            this.renderer = Renderers.of(spec);
        }
    }

    private Agent(AgentConfig config, SecretCache cache) {
        this.config = config;
        this.cache = cache;
        for (TemplateSpec t : config.templates()) {
            slots.add(new Slot(t));
        }
        this.metrics = new AgentMetrics(cache, this);
    }

    /**
     * Starts the cache: every secret the templates name is fetched, transient errors retried until
     * {@code deadline}, a refusal (403, 404, disabled version) failing at once.
     *
     * @throws AgentStartException naming each template destination and secret that could not be read
     */
    public static Agent start(AgentConfig config, Duration deadline) {
        Settings settings = config.settings(deadline);
        return start(config, settings, Transports.remote(settings));
    }

    /** {@link #start(AgentConfig, Duration)} over an explicit transport (tests). */
    static Agent start(AgentConfig config, Settings settings, Fetcher fetcher) {
        SecretCache cache;
        try {
            cache = SecretCache.start(settings, fetcher);
        } catch (SecretsException e) {
            throw startFailure(config, e);
        }
        return new Agent(config, cache);
    }

    /**
     * The cache's message names each failed property with its code ({@code property 'P' (P): CODE ...});
     * the properties are the references themselves, so each maps back to its templates.
     */
    private static AgentStartException startFailure(AgentConfig config, SecretsException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        List<String> lines = new ArrayList<>();
        for (TemplateSpec t : config.templates()) {
            for (SecretMapping m : t.secrets().values()) {
                String property = AgentConfig.property(m);
                String described = "property '" + property + "' (" + m.target() + "): ";
                int at = text.indexOf(described);
                if (at >= 0) {
                    String rest = text.substring(at + described.length());
                    int end = rest.indexOf(' ');
                    String code = end < 0 ? rest : rest.substring(0, end);
                    lines.add("template " + t.destination() + ": secret " + m.target() + " cannot be read (" + code + ")");
                }
            }
        }
        if (lines.isEmpty()) {
            lines.add(e.code() + ": " + text);
        }
        return new AgentStartException(e.code(), String.join("; ", lines));
    }

    /** The configuration. */
    public AgentConfig config() {
        return config;
    }

    /** The metrics (/metrics). */
    public AgentMetrics metrics() {
        return metrics;
    }

    /** Every template's state, in config order. */
    public List<TemplateStatus> statuses() {
        List<TemplateStatus> list = new ArrayList<>();
        for (Slot s : slots) {
            list.add(new TemplateStatus(s.spec.destination().toString(), s.state, s.reason));
        }
        return list;
    }

    /** Whether every template is rendered from served values. */
    public boolean healthy() {
        return slots.stream().allMatch(s -> s.state == TemplateState.RENDERED);
    }

    /**
     * Renders every template once, on the calling thread, in config order. Never throws: each
     * template's failure is logged and shows in its state.
     */
    public synchronized void renderAll() {
        for (Slot s : slots) {
            try {
                render(s);
            } catch (RuntimeException e) {
                fail(s, "unexpected " + e.getClass().getSimpleName());
            }
        }
        passes.incrementAndGet();
    }

    /** How many render passes have finished (tests wait on it instead of sleeping). */
    long passes() {
        return passes.get();
    }

    /**
     * Renders again in the background: on every change the cache reports
     * ({@link SecretCache#addListener}, debounced by {@link #requestRender()}) and every ttl, the
     * safety net should a notice be lost.
     */
    public void runInBackground() {
        // The cache tells of every change of what value() answers (a refresh, the change stream, an
        // expiry); one pass after registering covers a change between the first render and now.
        cache.addListener(property -> requestRender());
        requestRender();
        long period = config.cache().ttl().toMillis();
        loop.scheduleWithFixedDelay(this::renderAll, period, period, TimeUnit.MILLISECONDS);
    }

    /** Asks for a render soon; requests closer together than {@link #DEBOUNCE} become one. */
    public void requestRender() {
        if (closed || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.schedule(() -> {
                pending.set(false);
                renderAll();
            }, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.set(false); // closed meanwhile
        }
    }

    private void render(Slot s) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, SecretMapping> e : s.spec.secrets().entrySet()) {
            String value;
            try {
                value = cache.value(AgentConfig.property(e.getValue()));
            } catch (SecretsException ex) {
                revoke(s, e.getValue(), ex.code());
                return;
            }
            if (value == null) {
                revoke(s, e.getValue(), ErrorCode.SECRET_NOT_FOUND);
                return;
            }
            values.put(e.getKey(), value);
        }
        byte[] content;
        try {
            content = s.renderer.render(values);
        } catch (RenderException ex) {
            fail(s, ex.getMessage());
            return;
        }
        boolean changed;
        try {
            changed = AtomicFile.write(s.spec.destination(), content, s.spec.permissions());
        } catch (IOException ex) {
            fail(s, "cannot write " + s.spec.destination() + " (" + ex.getClass().getSimpleName() + ")");
            return;
        }
        TemplateState before = s.state;
        s.state = TemplateState.RENDERED;
        s.reason = null;
        if (changed) {
            metrics.rendered();
            LOG.info(() -> "coffer agent: rendered " + s.spec.describe() + (before == TemplateState.REVOKED ? " again" : ""));
            tell(s, ReloadAction.Event.RENDERED);
        } else if (before != TemplateState.RENDERED) {
            LOG.info(() -> "coffer agent: " + s.spec.describe() + " is up to date");
        }
    }

    private void revoke(Slot s, SecretMapping secret, ErrorCode code) {
        if (s.state == TemplateState.REVOKED) {
            return;
        }
        TemplateState before = s.state;
        boolean touched;
        try {
            touched = switch (s.spec.onRevoke()) {
                case REMOVE -> AtomicFile.remove(s.spec.destination());
                case EMPTY -> AtomicFile.write(s.spec.destination(), new byte[0], s.spec.permissions());
            };
        } catch (IOException ex) {
            fail(s, "secret " + secret.target() + " is not served (" + code + ") but " + s.spec.destination()
                    + " cannot be " + (s.spec.onRevoke() == OnRevoke.REMOVE ? "removed" : "emptied") + " (" + ex.getClass().getSimpleName() + ")");
            return;
        }
        s.state = TemplateState.REVOKED;
        s.reason = secret.target() + " " + code;
        metrics.revoked();
        LOG.warning(() -> "coffer agent: " + s.spec.describe() + ": secret " + secret.target() + " is not served (" + code
                + "); the file was " + (s.spec.onRevoke() == OnRevoke.REMOVE ? "removed" : "emptied"));
        if (touched || before == TemplateState.RENDERED) {
            tell(s, ReloadAction.Event.REVOKED);
        }
    }

    private void fail(Slot s, String why) {
        if (s.state != TemplateState.FAILED || !why.equals(s.reason)) {
            LOG.warning(() -> "coffer agent: " + s.spec.describe() + " failed: " + why);
        }
        s.state = TemplateState.FAILED;
        s.reason = why;
        metrics.renderFailed();
    }

    private void tell(Slot s, ReloadAction.Event event) {
        ReloadAction.Result r = ReloadAction.run(s.spec, event);
        if (!r.ran()) {
            return;
        }
        metrics.commandRan(r.ok());
        Level level = r.ok() ? Level.INFO : Level.WARNING;
        LOG.log(level, () -> "coffer agent: " + s.spec.describe() + " (" + event.word() + "): " + r.detail());
    }

    /** Stops the loop and the cache; files stay as they are. */
    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cache.close();
    }

    /** The cache's counters (metrics). */
    SecretCache cache() {
        return cache;
    }
}
