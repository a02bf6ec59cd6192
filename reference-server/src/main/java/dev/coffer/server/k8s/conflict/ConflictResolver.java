package dev.coffer.server.k8s.conflict;

import dev.coffer.server.k8s.spec.ConflictLevel;
import dev.coffer.server.k8s.spec.ConflictPolicy;
import dev.coffer.server.k8s.spec.ConflictStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settles the claims of a spec on Kubernetes objects by its {@link ConflictPolicy}, before any
 * value is read.
 *
 * <ul>
 *   <li>Within one claim (one provider, one namespace) the secrets' keys are merged; the same key
 *       twice is an error naming the key, the Secret, the namespace and both secrets, unless the
 *       {@code intraProvider} strategy is {@code overwrite} (the later secret wins, reported).</li>
 *   <li>Two claims on one object ({@code <namespace>/<name>}) meet {@code crossProvider} (one
 *       manager) or {@code crossManager}: {@code error} names both sides; {@code overwrite} keeps
 *       the later claim whole (reported); {@code autoMerge} merges their keys, the same key from
 *       both sides is an error, and objects of different types cannot be merged.</li>
 *   <li>{@code strict: true} makes every level {@code error} ({@link ConflictPolicy#at}).</li>
 * </ul>
 *
 * <pre>{@code
 * Resolution r = new ConflictResolver(spec.conflicts()).resolve(claims);
 * r.objects();  // one Resolved per object, in first-claim order
 * r.reports();  // "overwrite: ..." lines
 * }</pre>
 */
public final class ConflictResolver {
    private final ConflictPolicy policy;

    public ConflictResolver(ConflictPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * One object after resolution.
     *
     * @param key the key of the claim that defines it (the first, or the last one that overwrote)
     * @param claims the claims merged into it, first is the owner (its manager and provider label the object)
     * @param fills the entries by slot, in order
     */
    public record Resolved(ConflictKey key, List<Claim> claims, List<Claim.Fill> fills) {
        public Resolved {
            Objects.requireNonNull(key, "key");
            claims = List.copyOf(claims);
            fills = List.copyOf(fills);
        }

        /** The claim whose manager and provider own the object. */
        public Claim owner() {
            return claims.get(0);
        }
    }

    /**
     * The objects and the report lines of a resolution.
     *
     * @param objects one per Kubernetes object, in the order first claimed
     * @param reports one line per overwrite, in the order they happened
     */
    public record Resolution(List<Resolved> objects, List<String> reports) {
        public Resolution {
            objects = List.copyOf(objects);
            reports = List.copyOf(reports);
        }
    }

    /**
     * Resolves {@code claims} (in spec order: manager, provider, namespace).
     *
     * @throws DeliveryConflictException at the first conflict the policy does not settle
     */
    public Resolution resolve(List<Claim> claims) {
        List<String> reports = new ArrayList<>();
        Map<String, Building> objects = new LinkedHashMap<>();
        for (Claim claim : claims) {
            Map<String, Claim.Fill> own = mergeWithin(claim, reports);
            Building existing = objects.get(claim.key().object());
            if (existing == null) {
                objects.put(claim.key().object(), new Building(claim, own));
                continue;
            }
            Claim earlier = existing.claims.get(existing.claims.size() - 1);
            if (existing.claims.stream().anyMatch(c -> c.manager().name().equals(claim.manager().name())
                    && c.provider().id().equals(claim.provider().id()))) {
                throw new DeliveryConflictException(claim.provider().where(), ConflictLevel.INTRA_PROVIDER,
                        claim.describe() + " delivers " + claim.key() + " twice; list namespace '" + claim.key().namespace()
                                + "' once");
            }
            boolean sameManager = existing.claims.stream().allMatch(c -> c.manager().name().equals(claim.manager().name()));
            ConflictLevel level = sameManager ? ConflictLevel.CROSS_PROVIDER : ConflictLevel.CROSS_MANAGER;
            ConflictStrategy strategy = policy.at(level);
            String both = sameKeys(existing.key, claim.key())
                    ? claim.key() + " is produced by " + earlier.describe() + " and by " + claim.describe()
                    : claim.key().object() + " is produced as " + existing.key + " by " + earlier.describe() + " and as "
                            + claim.key() + " by " + claim.describe();
            String setting = " (" + level.specName() + ": " + strategy.specName() + (policy.strict() ? ", strict" : "") + ")";
            switch (strategy) {
                case ERROR -> throw new DeliveryConflictException(claim.provider().where(), level, both + setting
                        + "; give one provider another name, or set conflicts.strategies." + level.specName()
                        + " to autoMerge or overwrite" + (policy.strict() ? " and strict: false" : ""));
                case OVERWRITE -> {
                    reports.add("overwrite: " + claim.key() + " of " + claim.describe() + " replaces the one of "
                            + existing.claims.stream().map(Claim::describe).reduce((a, b) -> a + " and " + b).orElseThrow()
                            + setting);
                    objects.put(claim.key().object(), new Building(claim, own));
                }
                case AUTO_MERGE -> {
                    if (!existing.key.type().equals(claim.key().type())) {
                        throw new DeliveryConflictException(claim.provider().where(), level, both + setting
                                + "; a " + existing.key.type() + " and a " + claim.key().type()
                                + " cannot be merged into one object: give one provider another name");
                    }
                    for (Claim.Fill fill : own.values()) {
                        Claim.Fill before = existing.fills.putIfAbsent(fill.slot(), fill);
                        if (before != null) {
                            throw new DeliveryConflictException(fill.secret().where(), level, "key '" + fill.key() + "' of Secret '"
                                    + claim.key().name() + "' in namespace '" + claim.key().namespace() + "' is filled by "
                                    + before.describe() + " through " + earlier.describe() + " and by " + fill.describe()
                                    + " through " + claim.describe() + setting + "; give one of them another key");
                        }
                    }
                    existing.claims.add(claim);
                }
                default -> throw new IllegalStateException("unknown strategy " + strategy);
            }
        }
        List<Resolved> resolved = new ArrayList<>();
        objects.values().forEach(b -> resolved.add(new Resolved(b.key, b.claims, List.copyOf(b.fills.values()))));
        return new Resolution(resolved, reports);
    }

    /** One claim's own fills by slot, duplicates settled at {@code intraProvider}. */
    private Map<String, Claim.Fill> mergeWithin(Claim claim, List<String> reports) {
        ConflictStrategy strategy = policy.at(ConflictLevel.INTRA_PROVIDER);
        Map<String, Claim.Fill> bySlot = new LinkedHashMap<>();
        for (Claim.Fill fill : claim.fills()) {
            Claim.Fill before = bySlot.get(fill.slot());
            if (before == null) {
                bySlot.put(fill.slot(), fill);
                continue;
            }
            String setting = " (" + ConflictLevel.INTRA_PROVIDER.specName() + ": " + strategy.specName()
                    + (policy.strict() ? ", strict" : "") + ")";
            if (strategy == ConflictStrategy.OVERWRITE) {
                reports.add("overwrite: key '" + fill.key() + "' of " + claim.key() + " comes from " + fill.describe()
                        + ", replacing " + before.describe() + setting);
                bySlot.remove(fill.slot()); // the later one takes the later place, as if written alone
                bySlot.put(fill.slot(), fill);
            } else {
                throw new DeliveryConflictException(fill.secret().where(), ConflictLevel.INTRA_PROVIDER, "key '" + fill.key()
                        + "' of Secret '" + claim.key().name() + "' in namespace '" + claim.key().namespace() + "' ("
                        + claim.key() + ", " + claim.describe() + ") is filled by both " + before.describe() + " and "
                        + fill.describe() + setting + (fill.key().equals(fill.secret().secretKey())
                                ? "; give one of them another key (key: ...)"
                                : "; a " + claim.key().type() + " holds one secret: give the other one a provider of its own"));
            }
        }
        return bySlot;
    }

    private static boolean sameKeys(ConflictKey a, ConflictKey b) {
        return a.equals(b);
    }

    /** An object while claims arrive. */
    private static final class Building {
        final ConflictKey key;
        final List<Claim> claims = new ArrayList<>();
        final Map<String, Claim.Fill> fills;

        Building(Claim claim, Map<String, Claim.Fill> fills) {
            this.key = claim.key();
            this.claims.add(claim);
            this.fills = new LinkedHashMap<>(fills);
        }
    }
}
