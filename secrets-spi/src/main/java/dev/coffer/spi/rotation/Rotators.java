package dev.coffer.spi.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Messages;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rotators a process knows, by name. {@link #discover(ClassLoader)} finds them with
 * {@link ServiceLoader} ({@code META-INF/services/dev.coffer.spi.rotation.Rotator}); two with the
 * same name are an error at startup, never a silent choice.
 *
 * <pre>{@code
 * Rotators rotators = Rotators.discover(getClass().getClassLoader()).with(new WebhookRotator(client));
 * }</pre>
 */
public final class Rotators {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private final Map<String, Rotator> byName;

    private Rotators(Map<String, Rotator> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The rotators given. */
    public static Rotators of(Rotator... rotators) {
        return of(List.of(rotators));
    }

    /** The rotators given. */
    public static Rotators of(Collection<? extends Rotator> rotators) {
        Map<String, Rotator> map = new TreeMap<>();
        for (Rotator r : rotators) {
            add(map, r);
        }
        return new Rotators(map);
    }

    /** The rotators {@link ServiceLoader} finds through {@code loader}. */
    public static Rotators discover(ClassLoader loader) {
        List<Rotator> found = new ArrayList<>();
        ServiceLoader.load(Rotator.class, loader).forEach(found::add);
        return of(found);
    }

    /** These rotators and {@code more}. */
    public Rotators with(Rotator... more) {
        Map<String, Rotator> map = new TreeMap<>(byName);
        for (Rotator r : more) {
            add(map, r);
        }
        return new Rotators(map);
    }

    /** The rotator named {@code name}. */
    public Optional<Rotator> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The rotator named {@code name}.
     *
     * @throws InvalidRequestException {@code INVALID_ROTATION_POLICY} listing the known names
     */
    public Rotator require(String name) {
        Rotator r = byName.get(name);
        if (r == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, "unknown rotator '"
                    + Messages.printable(String.valueOf(name)) + "'; this server knows " + names()
                    + " and " + RotationPolicy.MANUAL_OVERLAP);
        }
        return r;
    }

    /** The names known, sorted. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    private static void add(Map<String, Rotator> map, Rotator r) {
        String name = r.name();
        if (name == null || !NAME.matcher(name).matches() || RotationPolicy.MANUAL_OVERLAP.equals(name)) {
            throw new IllegalArgumentException("rotator " + r.getClass().getName() + " has an invalid name '"
                    + Messages.printable(String.valueOf(name)) + "' (must match [a-z][a-z0-9-]{0,62}, not manual-overlap)");
        }
        Rotator before = map.putIfAbsent(name, r);
        if (before != null) {
            throw new IllegalArgumentException("two rotators are named " + name + ": "
                    + before.getClass().getName() + " and " + r.getClass().getName());
        }
    }
}
