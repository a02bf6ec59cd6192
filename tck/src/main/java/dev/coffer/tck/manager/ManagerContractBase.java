package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.TestValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What every topic of {@link dev.coffer.tck.SecretManagerContract} shares: access to the fixture
 * of the running test and short helpers for principals, policies, secrets, reads and audit
 * lookups.
 *
 * <p>The topic classes of this package ({@link LifecycleContract}, {@link AliasContract}, …) are
 * parts of {@code SecretManagerContract}, which runs them as {@code @Nested} classes; vendors
 * extend {@code SecretManagerContract}, not these.
 *
 * <p>Conventions: test principals are {@code user:tck-<name>} in the fixture's tenant; secret
 * values are always made with {@link dev.coffer.tck.support.TestValues}, so leak scans find them;
 * every helper that acts as {@link ManagerFixture#admin()} is setup, never the behaviour under
 * test.
 */
public abstract class ManagerContractBase {
    /** The owner team of secrets the helpers create. */
    protected static final String TEAM = "tck-team";

    private final AtomicInteger policyNames = new AtomicInteger();

    /** The fixture of the running test; fresh per test, closed after it. */
    protected abstract ManagerFixture fixture();

    // ---------------------------------------------------------------- fixture shortcuts

    protected SecretManager manager() {
        return fixture().manager();
    }

    protected String tenant() {
        return fixture().tenant();
    }

    protected AccessContext admin() {
        return fixture().admin();
    }

    /** The fixture's clock; skips the running test when the fixture has none. */
    protected MutableClock clock() {
        Optional<MutableClock> clock = fixture().clock();
        Assumptions.assumeTrue(clock.isPresent(), "the fixture cannot move time");
        return clock.get();
    }

    /** The fixture's audit-failure switch; skips the running test when the fixture has none. */
    protected ManagerFixture.AuditOutage auditOutage() {
        Optional<ManagerFixture.AuditOutage> outage = fixture().auditOutage();
        Assumptions.assumeTrue(outage.isPresent(), "the fixture cannot make audit appends fail");
        return outage.get();
    }

    /** Skips the running test when the fixture's manager cannot purge ({@link ManagerFixture#canPurge()}). */
    protected void requirePurge() {
        Assumptions.assumeTrue(fixture().canPurge(), "the manager under test cannot purge (its API has no purge route)");
    }

    // ---------------------------------------------------------------- principals and policies

    /** {@code user:tck-<name>} in the fixture's tenant, without groups, mfa or cluster. */
    protected Principal user(String name) {
        return Principal.of("user:tck-" + name, tenant());
    }

    /** A context for {@code principal} with a fresh request id. */
    protected AccessContext as(Principal principal) {
        return AccessContext.of(principal);
    }

    /** A context for {@code principal} with a recognizable, unique request id. */
    protected AccessContext as(Principal principal, String requestLabel) {
        return AccessContext.of(principal).withRequestId(requestId(requestLabel));
    }

    /** A unique request id that names what the test does. */
    protected static String requestId(String label) {
        return "tck-" + label + "-" + UUID.randomUUID();
    }

    /** Puts an allow policy for {@code who} (as admin); resources default to {@code *}. */
    protected Policy allow(String name, Principal who, Collection<Action> actions, String... resources) {
        return allow(name, who.id(), actions, resources);
    }

    /** Puts an allow policy for one action. */
    protected Policy allow(String name, Principal who, Action action, String... resources) {
        return allow(name, who.id(), List.of(action), resources);
    }

    /** Puts an allow policy for a principal glob such as {@code user:tck-*} or {@code group:ops}. */
    protected Policy allow(String name, String principalGlob, Collection<Action> actions, String... resources) {
        return putPolicy(Policy.allow(name, List.of(principalGlob), wireNames(actions), resourcesOrAll(resources)));
    }

    /** Puts a deny policy. */
    protected Policy deny(String name, String principalGlob, Collection<Action> actions, String... resources) {
        return putPolicy(Policy.deny(name, List.of(principalGlob), wireNames(actions), resourcesOrAll(resources)));
    }

    /** Puts an allow policy under a generated name. */
    protected Policy grant(Principal who, Collection<Action> actions, String... resources) {
        return allow("tck-grant-" + policyNames.incrementAndGet(), who, actions, resources);
    }

    /** Puts an allow policy for one action under a generated name. */
    protected Policy grant(Principal who, Action action, String... resources) {
        return grant(who, List.of(action), resources);
    }

    /** Puts {@code policy} as admin. */
    protected Policy putPolicy(Policy policy) {
        return manager().putPolicy(admin(), policy);
    }

    /** Every action except {@code excluded}. */
    protected static EnumSet<Action> allActionsExcept(Action... excluded) {
        EnumSet<Action> actions = EnumSet.allOf(Action.class);
        actions.removeAll(Arrays.asList(excluded));
        return actions;
    }

    private static List<String> wireNames(Collection<Action> actions) {
        return actions.stream().map(Action::wireName).toList();
    }

    private static List<String> resourcesOrAll(String... resources) {
        return resources.length == 0 ? List.of("*") : List.of(resources);
    }

    // ---------------------------------------------------------------- secrets and versions

    /** {@code <environment>/<path>} in the fixture's tenant. */
    protected SecretPath path(String environmentAndPath) {
        return SecretPath.parse(tenant(), environmentAndPath);
    }

    /** Creates a secret owned by {@link #TEAM}, as admin. */
    protected Secret createSecret(String environmentAndPath) {
        return createSecret(environmentAndPath, TEAM);
    }

    /** Creates a secret owned by {@code ownerTeam}, as admin. */
    protected Secret createSecret(String environmentAndPath, String ownerTeam) {
        return manager().create(admin(), NewSecret.builder(path(environmentAndPath), ownerTeam).build());
    }

    /** Adds {@code text} as a version with {@code status}, as {@code ctx}; the value is closed afterwards. */
    protected SecretVersion addVersion(AccessContext ctx, String secretId, String text, VersionStatus status) {
        try (SecretValue value = SecretValue.ofUtf8(text)) {
            return manager().addVersion(ctx, secretId, new NewVersion(value, status, null));
        }
    }

    /** Adds {@code text} as the current version, as admin. */
    protected SecretVersion addCurrent(String secretId, String text) {
        return addVersion(admin(), secretId, text, VersionStatus.CURRENT);
    }

    /** Adds {@code text} as a pending version, as admin. */
    protected SecretVersion addPending(String secretId, String text) {
        return addVersion(admin(), secretId, text, VersionStatus.PENDING);
    }

    /** Reads a value as text and closes the content. */
    protected String readText(AccessContext ctx, SecretPath path, VersionSelector selector) {
        try (SecretContent content = manager().read(ctx, path, selector)) {
            return content.value().asUtf8();
        }
    }

    /** Reads the current value as admin. */
    protected String readCurrent(SecretPath path) {
        return readText(admin(), path, VersionSelector.current());
    }

    /** Version number → derived status, as admin sees it. */
    protected Map<Integer, VersionStatus> statuses(String secretId) {
        Map<Integer, VersionStatus> statuses = new TreeMap<>();
        for (SecretVersion v : manager().versions(admin(), secretId)) {
            statuses.put(v.number(), v.status());
        }
        return statuses;
    }

    /** Alias name → version, as admin sees it. */
    protected Map<String, Integer> aliases(String secretId) {
        return manager().describe(admin(), secretId).aliases().byName();
    }

    /**
     * Asserts the statuses, given as number/status pairs in order: {@code 1, CURRENT, 2, PENDING}.
     * A failure names {@code SecretManager.versions} and the secret; prefer the overload with a rule.
     */
    protected void assertStatuses(String secretId, Object... numberStatusPairs) {
        assertStatuses(secretId, () -> "rule: the derived version statuses are as expected", numberStatusPairs);
    }

    /**
     * Asserts the statuses, given as number/status pairs in order; a failure is reported with
     * {@code rule} (what must hold, the call under test, the values involved), the secret id and
     * the method read back ({@code SecretManager.versions}).
     */
    protected void assertStatuses(String secretId, Supplier<String> rule, Object... numberStatusPairs) {
        Map<Integer, VersionStatus> expected = new TreeMap<>();
        for (int i = 0; i < numberStatusPairs.length; i += 2) {
            expected.put((Integer) numberStatusPairs[i], (VersionStatus) numberStatusPairs[i + 1]);
        }
        assertEquals(expected, statuses(secretId),
                () -> rule.get() + " (statuses as SecretManager.versions derives them, secret " + secretId + ")");
    }

    /**
     * Asserts the aliases, given as name/version pairs: {@code "current", 2, "previous", 1}. A
     * failure names {@code SecretManager.describe} and the secret; prefer the overload with a rule.
     */
    protected void assertAliases(String secretId, Object... nameVersionPairs) {
        assertAliases(secretId, () -> "rule: the aliases are as expected", nameVersionPairs);
    }

    /**
     * Asserts the aliases, given as name/version pairs; a failure is reported with {@code rule},
     * the secret id and the method read back ({@code SecretManager.describe}).
     */
    protected void assertAliases(String secretId, Supplier<String> rule, Object... nameVersionPairs) {
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < nameVersionPairs.length; i += 2) {
            expected.put((String) nameVersionPairs[i], (Integer) nameVersionPairs[i + 1]);
        }
        assertEquals(expected, new TreeMap<>(aliases(secretId)),
                () -> rule.get() + " (aliases as SecretManager.describe reports them, secret " + secretId + ")");
    }

    /**
     * Asserts that {@code actual}, a value read back, is {@code expected}, without putting either
     * into the failure: the message is {@code rule} and whether the value read is another value
     * the TCK issued (e.g. another version's), one it never issued, or null.
     */
    protected static void assertSameValue(String expected, String actual, Supplier<String> rule) {
        if (expected.equals(actual)) {
            return;
        }
        String what = actual == null ? "nothing (null)"
                : TestValues.issued().contains(actual) ? "another value the TCK issued (e.g. another version's)"
                : "a value the TCK never issued (" + actual.length() + " chars)";
        fail(rule.get() + "; read " + what + " instead of the expected one (values are never shown)");
    }

    /** Reads {@code selector} of {@code path} as {@code ctx} and asserts it is {@code expected} ({@link #assertSameValue}). */
    protected void assertReads(String expected, AccessContext ctx, SecretPath path, VersionSelector selector,
            Supplier<String> rule) {
        assertSameValue(expected, readText(ctx, path, selector),
                () -> rule.get() + " (SecretManager.read of " + path.qualifiedName() + " at " + selectorText(selector) + " as "
                        + ctx.principal().id() + ")");
    }

    /** {@code alias current} or {@code version 2}, for messages. */
    protected static String selectorText(VersionSelector selector) {
        return selector instanceof VersionSelector.ByNumber byNumber ? "version " + byNumber.number()
                : "alias " + ((VersionSelector.ByAlias) selector).name();
    }

    // ---------------------------------------------------------------- audit

    /** A query for every event of the fixture's tenant. */
    protected AuditQuery auditQuery() {
        return AuditQuery.tenant(tenant());
    }

    /** Every event matching {@code query}, all pages, oldest first (queried as admin). */
    protected List<AuditEvent> auditEvents(AuditQuery query) {
        List<AuditEvent> events = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<AuditEvent> result = manager().queryAudit(admin(), query, page);
            events.addAll(result.items());
            if (result.next().isEmpty()) {
                return events;
            }
            page = page.next(result.nextPageToken());
        }
    }

    /** Every event of {@code type}. */
    protected List<AuditEvent> auditEvents(AuditEventType type) {
        return auditEvents(auditQuery().withEventType(type));
    }

    /** Every event recorded for request {@code requestId}, oldest first. */
    protected List<AuditEvent> auditEventsOf(String requestId) {
        return auditEvents(auditQuery()).stream().filter(e -> requestId.equals(e.requestId())).toList();
    }

    /** The one event recorded for {@code requestId}; fails unless there is exactly one. */
    protected AuditEvent onlyAuditEventOf(String requestId) {
        return onlyAuditEventOf(requestId, () -> "rule: the call is audited with exactly one event");
    }

    /**
     * The one event recorded for {@code requestId}; fails unless there is exactly one, reporting
     * {@code rule}, the request id and the events found.
     */
    protected AuditEvent onlyAuditEventOf(String requestId, Supplier<String> rule) {
        List<AuditEvent> events = auditEventsOf(requestId);
        assertEquals(1, events.size(), () -> rule.get() + " (SecretManager.queryAudit, events of request " + requestId
                + ": " + events + ")");
        return events.get(0);
    }

    /** The one event of {@code type} recorded for {@code requestId}. */
    protected AuditEvent auditEventOf(String requestId, AuditEventType type) {
        return auditEventOf(requestId, type, () -> "rule: the call is audited with exactly one " + type + " event");
    }

    /**
     * The one event of {@code type} recorded for {@code requestId}; fails unless there is exactly
     * one, reporting {@code rule}, the request id and every event of the request.
     */
    protected AuditEvent auditEventOf(String requestId, AuditEventType type, Supplier<String> rule) {
        List<AuditEvent> events = auditEventsOf(requestId).stream().filter(e -> e.eventType() == type).toList();
        assertEquals(1, events.size(), () -> rule.get() + " (SecretManager.queryAudit, " + type + " events of request "
                + requestId + "; all its events: " + auditEventsOf(requestId) + ")");
        return events.get(0);
    }
}
