package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Policy conditions — {@code mfa}, {@code ticketRequired}, {@code sourceCidr},
 * {@code sourceCluster} — fail closed on both effects: an allow applies only when the request
 * proves every condition; a deny applies unless the request proves one false (an unknown or
 * unparseable address, a missing cluster do not); a deny cannot carry {@code mfa} or
 * {@code ticketRequired}, which a caller would satisfy by leaving them out. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ConditionContract extends ManagerContractBase {
    private Secret secret;
    private String value;

    @BeforeEach
    void aSecretToRead() {
        secret = createSecret("prod/conditions/db");
        value = TestValues.text();
        addCurrent(secret.id(), value);
    }

    private void allowReadWhen(Conditions conditions) {
        putPolicy(Policy.allow("tck-conditional", List.of("user:tck-*"), List.of(Action.READ.wireName()),
                List.of("prod/conditions/*")).withConditions(conditions));
    }

    private void requireSourceAddressAsGiven() {
        Assumptions.assumeTrue(fixture().sourceAddressReachesPoliciesAsGiven(),
                "the manager under test takes the source address from its transport, not from ctx.sourceIp()");
    }

    private void denyReadWhen(Conditions conditions) {
        putPolicy(Policy.deny("tck-conditional-deny", List.of("user:tck-*"), List.of(Action.READ.wireName()),
                List.of("prod/*")).withConditions(conditions));
    }

    /** What a condition can see of {@code ctx}: principal, mfa, ticket, source address and cluster (never a value). */
    private static String who(AccessContext ctx) {
        return ctx.principal().id() + " (mfa " + ctx.principal().mfa() + ", ticket " + ctx.ticket() + ", sourceIp "
                + ctx.sourceIp() + ", cluster " + ctx.principal().cluster() + ")";
    }

    /** Asserts {@code ctx} reads the secret's current value; {@code rule} says which condition must let it through. */
    private void assertAllowed(AccessContext ctx, Supplier<String> rule) {
        Supplier<String> call = () -> rule.get() + "; SecretManager.read(" + secret.path() + ", current) as " + who(ctx);
        String read = assertDoesNotThrow(() -> readText(ctx, secret.path(), VersionSelector.current()),
                () -> call.get() + " must be allowed");
        assertSameValue(value, read, () -> call.get() + " must return the current value");
    }

    /** Asserts {@code ctx} may not read the secret; {@code rule} says which condition must stop it. */
    private void assertDenied(AccessContext ctx, Supplier<String> rule) {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, secret.path(), VersionSelector.current()),
                () -> rule.get() + "; SecretManager.read(" + secret.path() + ", current) as " + who(ctx)
                        + " must fail with ACCESS_DENIED");
    }

    @Test
    void mfaConditionAllowsOnlyCallersWithASecondFactor() {
        allowReadWhen(Conditions.none().withMfa());
        assertAllowed(as(user("alice").withMfa(true)), () -> "rule: an allow with mfa applies to a caller with a second factor");
        assertDenied(as(user("alice")), () -> "rule: an allow with mfa does not apply to a caller without a second factor");
    }

    @Test
    void ticketConditionAllowsOnlyRequestsWithATicket() {
        allowReadWhen(Conditions.none().withTicketRequired());
        assertAllowed(as(user("alice")).withTicket("https://tickets.example/CHG-7"),
                () -> "rule: an allow with ticketRequired applies to a request with a ticket");
        assertDenied(as(user("alice")), () -> "rule: an allow with ticketRequired does not apply to a request without a ticket");
        assertDenied(as(user("alice")).withTicket(" "),
                () -> "rule: an allow with ticketRequired does not apply to a request whose ticket is blank");
    }

    @Test
    void sourceCidrConditionAllowsOnlyAddressesInTheNetwork() {
        allowReadWhen(Conditions.none().withSourceCidr("10.20.0.0/16", "192.0.2.7"));
        String allow = "an allow with sourceCidr [10.20.0.0/16, 192.0.2.7]";
        assertAllowed(as(user("alice")).withSourceIp("10.20.3.4"), () -> "rule: " + allow + " applies to an address in the network");
        assertAllowed(as(user("alice")).withSourceIp("192.0.2.7"), () -> "rule: " + allow + " applies to the single address listed");
        assertDenied(as(user("alice")).withSourceIp("10.21.0.1"), () -> "rule: " + allow + " does not apply outside the network");
        assertDenied(as(user("alice")).withSourceIp("192.0.2.8"), () -> "rule: " + allow + " does not apply to a neighbour of the"
                + " single address listed");
        assertDenied(as(user("alice")), () -> "rule: " + allow + " does not apply when the source address is unknown");
    }

    @Test
    void sourceCidrConditionMatchesIpv6Networks() {
        allowReadWhen(Conditions.none().withSourceCidr("2001:db8::/32"));
        String allow = "an allow with sourceCidr 2001:db8::/32";
        assertAllowed(as(user("alice")).withSourceIp("2001:db8:1::5"), () -> "rule: " + allow + " applies to an IPv6 address inside");
        assertDenied(as(user("alice")).withSourceIp("2001:db9::5"), () -> "rule: " + allow + " does not apply to an IPv6 address"
                + " outside");
        assertDenied(as(user("alice")).withSourceIp("10.0.0.1"), () -> "rule: " + allow + " does not apply to an IPv4 address");
    }

    @Test
    void sourceClusterConditionAllowsOnlyListedClusters() {
        allowReadWhen(Conditions.none().withSourceCluster("eu-prod-1", "eu-prod-2"));
        String allow = "an allow with sourceCluster [eu-prod-1, eu-prod-2]";
        assertAllowed(as(user("alice").withCluster("eu-prod-2")), () -> "rule: " + allow + " applies to a caller from a listed cluster");
        assertDenied(as(user("alice").withCluster("us-prod-1")), () -> "rule: " + allow + " does not apply to another cluster");
        assertDenied(as(user("alice")), () -> "rule: " + allow + " does not apply to a caller that names no cluster");
    }

    @Test
    void everyConditionOfAPolicyMustHold() {
        allowReadWhen(Conditions.none().withMfa().withTicketRequired().withSourceCidr("10.0.0.0/8"));
        Principal withMfa = user("alice").withMfa(true);
        String allow = "an allow with mfa, ticketRequired and sourceCidr 10.0.0.0/8";
        assertAllowed(as(withMfa).withTicket("INC-1").withSourceIp("10.1.1.1"),
                () -> "rule: " + allow + " applies when the request proves all three");
        assertDenied(as(withMfa).withTicket("INC-1"), () -> "rule: " + allow + " does not apply without the source address");
        assertDenied(as(withMfa).withSourceIp("10.1.1.1"), () -> "rule: " + allow + " does not apply without a ticket");
        assertDenied(as(user("alice")).withTicket("INC-1").withSourceIp("10.1.1.1"),
                () -> "rule: " + allow + " does not apply without a second factor");
    }

    @Test
    void conditionalDenyAppliesOnlyWhenItsConditionsHold() {
        allowReadWhen(Conditions.none());
        putPolicy(Policy.deny("tck-no-guest-network", List.of("user:tck-*"), List.of(Action.READ.wireName()),
                List.of("prod/*")).withConditions(Conditions.none().withSourceCidr("192.0.2.0/24")));

        assertDenied(as(user("alice")).withSourceIp("192.0.2.50"),
                () -> "rule: a deny with sourceCidr 192.0.2.0/24 applies to an address inside, over an unconditional allow");
        assertAllowed(as(user("alice")).withSourceIp("10.0.0.1"),
                () -> "rule: a deny with sourceCidr 192.0.2.0/24 does not apply to an address proven outside");
    }

    @ParameterizedTest(name = "source address \"{0}\"")
    @NullSource
    @ValueSource(strings = {"garbage", "unknown", "10.0.0.5:4431", "[10.0.0.5]", "12345", "192.0.2", "cafe", ""})
    void denyFromANetworkAppliesWhenTheSourceAddressIsUnknownOrUnparseable(String source) {
        requireSourceAddressAsGiven();
        allowReadWhen(Conditions.none());
        denyReadWhen(Conditions.none().withSourceCidr("192.0.2.0/24"));
        assertDenied(as(user("alice")).withSourceIp(source), () -> "rule: a deny with sourceCidr 192.0.2.0/24 fails closed:"
                + " it applies when the source address is unknown or unparseable (\"" + source + "\")");
        assertAllowed(as(user("alice")).withSourceIp("10.0.0.1"),
                () -> "rule: a deny with sourceCidr 192.0.2.0/24 does not apply to an address proven outside");
    }

    @ParameterizedTest(name = "source address \"{0}\"")
    @ValueSource(strings = {"garbage", "10.0.0.5:4431", "[10.0.0.5]", "12345", "1.2", "010.0.0.1"})
    void allowFromANetworkNeedsAParseableAddressInside(String source) {
        requireSourceAddressAsGiven();
        allowReadWhen(Conditions.none().withSourceCidr("0.0.0.0/0", "::/0"));
        assertDenied(as(user("alice")).withSourceIp(source), () -> "rule: an allow with sourceCidr [0.0.0.0/0, ::/0] fails"
                + " closed: it needs a parseable address inside, and \"" + source + "\" is not one");
        assertAllowed(as(user("alice")).withSourceIp("10.0.0.5"),
                () -> "rule: an allow with sourceCidr [0.0.0.0/0, ::/0] applies to a parseable address");
    }

    @Test
    void denyFromAClusterAppliesWhenTheCallerNamesNoCluster() {
        allowReadWhen(Conditions.none());
        denyReadWhen(Conditions.none().withSourceCluster("eu-sandbox"));
        String deny = "a deny with sourceCluster eu-sandbox";
        assertDenied(as(user("alice").withCluster("eu-sandbox")), () -> "rule: " + deny + " applies to a caller from that cluster");
        assertDenied(as(user("alice")), () -> "rule: " + deny + " fails closed: it applies to a caller that names no cluster");
        assertAllowed(as(user("alice").withCluster("eu-prod-1")),
                () -> "rule: " + deny + " does not apply to a caller proven to be from another cluster");
    }

    @Test
    void denyWithMfaIsRefusedWithAdviceToRequireItOnTheAllow() {
        Policy deny = Policy.deny("tck-deny-mfa", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/*"))
                .withConditions(Conditions.none().withMfa());
        InvalidRequestException refused = Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> manager().putPolicy(admin(), deny),
                () -> "rule: SecretManager.putPolicy refuses a deny with mfa (a caller would satisfy it by leaving mfa out)"
                        + " with INVALID_POLICY (policy tck-deny-mfa)");
        assertTrue(refused.getMessage().contains("mfa") && refused.getMessage().contains("allow"),
                () -> "rule: the INVALID_POLICY message of a deny with mfa names mfa and advises requiring it on the allow;"
                        + " got: " + refused.getMessage());
        assertTrue(manager().getPolicy(admin(), "tck-deny-mfa").isEmpty(),
                () -> "rule: a policy refused by SecretManager.putPolicy is not stored; SecretManager.getPolicy(tck-deny-mfa)"
                        + " must be empty");
    }

    @Test
    void denyWithTicketRequiredIsRefusedWithAdviceToRequireItOnTheAllow() {
        Policy deny = Policy.deny("tck-deny-ticket", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/*"))
                .withConditions(Conditions.none().withTicketRequired().withSourceCidr("10.0.0.0/8"));
        InvalidRequestException refused = Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> manager().putPolicy(admin(), deny),
                () -> "rule: SecretManager.putPolicy refuses a deny with ticketRequired (a caller would satisfy it by leaving"
                        + " the ticket out), even beside another condition, with INVALID_POLICY (policy tck-deny-ticket)");
        assertTrue(refused.getMessage().contains("ticketRequired") && refused.getMessage().contains("allow"),
                () -> "rule: the INVALID_POLICY message of a deny with ticketRequired names ticketRequired and advises"
                        + " requiring it on the allow; got: " + refused.getMessage());
        assertTrue(manager().getPolicy(admin(), "tck-deny-ticket").isEmpty(),
                () -> "rule: a policy refused by SecretManager.putPolicy is not stored; SecretManager.getPolicy(tck-deny-ticket)"
                        + " must be empty");
    }

    @Test
    void allowMayRequireMfaAndATicketWhereADenyMayNot() {
        Policy allow = Policy.allow("tck-allow-mfa", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/*"))
                .withConditions(Conditions.none().withMfa().withTicketRequired());
        assertEquals(allow, manager().putPolicy(admin(), allow),
                () -> "rule: SecretManager.putPolicy accepts an allow with mfa and ticketRequired and returns it unchanged"
                        + " (policy tck-allow-mfa)");
    }
}
