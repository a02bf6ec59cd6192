package dev.coffer.tck.manager;

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

    private void assertAllowed(AccessContext ctx) {
        assertEquals(value, readText(ctx, secret.path(), VersionSelector.current()));
    }

    private void assertDenied(AccessContext ctx) {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, secret.path(), VersionSelector.current()));
    }

    @Test
    void mfaConditionAllowsOnlyCallersWithASecondFactor() {
        allowReadWhen(Conditions.none().withMfa());
        assertAllowed(as(user("alice").withMfa(true)));
        assertDenied(as(user("alice")));
    }

    @Test
    void ticketConditionAllowsOnlyRequestsWithATicket() {
        allowReadWhen(Conditions.none().withTicketRequired());
        assertAllowed(as(user("alice")).withTicket("https://tickets.example/CHG-7"));
        assertDenied(as(user("alice")));
        assertDenied(as(user("alice")).withTicket(" "));
    }

    @Test
    void sourceCidrConditionAllowsOnlyAddressesInTheNetwork() {
        allowReadWhen(Conditions.none().withSourceCidr("10.20.0.0/16", "192.0.2.7"));
        assertAllowed(as(user("alice")).withSourceIp("10.20.3.4"));
        assertAllowed(as(user("alice")).withSourceIp("192.0.2.7"));
        assertDenied(as(user("alice")).withSourceIp("10.21.0.1"));
        assertDenied(as(user("alice")).withSourceIp("192.0.2.8"));
        assertDenied(as(user("alice")));
    }

    @Test
    void sourceCidrConditionMatchesIpv6Networks() {
        allowReadWhen(Conditions.none().withSourceCidr("2001:db8::/32"));
        assertAllowed(as(user("alice")).withSourceIp("2001:db8:1::5"));
        assertDenied(as(user("alice")).withSourceIp("2001:db9::5"));
        assertDenied(as(user("alice")).withSourceIp("10.0.0.1"));
    }

    @Test
    void sourceClusterConditionAllowsOnlyListedClusters() {
        allowReadWhen(Conditions.none().withSourceCluster("eu-prod-1", "eu-prod-2"));
        assertAllowed(as(user("alice").withCluster("eu-prod-2")));
        assertDenied(as(user("alice").withCluster("us-prod-1")));
        assertDenied(as(user("alice")));
    }

    @Test
    void everyConditionOfAPolicyMustHold() {
        allowReadWhen(Conditions.none().withMfa().withTicketRequired().withSourceCidr("10.0.0.0/8"));
        Principal withMfa = user("alice").withMfa(true);
        assertAllowed(as(withMfa).withTicket("INC-1").withSourceIp("10.1.1.1"));
        assertDenied(as(withMfa).withTicket("INC-1"));
        assertDenied(as(withMfa).withSourceIp("10.1.1.1"));
        assertDenied(as(user("alice")).withTicket("INC-1").withSourceIp("10.1.1.1"));
    }

    @Test
    void conditionalDenyAppliesOnlyWhenItsConditionsHold() {
        allowReadWhen(Conditions.none());
        putPolicy(Policy.deny("tck-no-guest-network", List.of("user:tck-*"), List.of(Action.READ.wireName()),
                List.of("prod/*")).withConditions(Conditions.none().withSourceCidr("192.0.2.0/24")));

        assertDenied(as(user("alice")).withSourceIp("192.0.2.50"));
        assertAllowed(as(user("alice")).withSourceIp("10.0.0.1"));
    }

    @ParameterizedTest(name = "source address \"{0}\"")
    @NullSource
    @ValueSource(strings = {"garbage", "unknown", "10.0.0.5:4431", "[10.0.0.5]", "12345", "192.0.2", "cafe", ""})
    void denyFromANetworkAppliesWhenTheSourceAddressIsUnknownOrUnparseable(String source) {
        requireSourceAddressAsGiven();
        allowReadWhen(Conditions.none());
        denyReadWhen(Conditions.none().withSourceCidr("192.0.2.0/24"));
        assertDenied(as(user("alice")).withSourceIp(source));
        assertAllowed(as(user("alice")).withSourceIp("10.0.0.1"));
    }

    @ParameterizedTest(name = "source address \"{0}\"")
    @ValueSource(strings = {"garbage", "10.0.0.5:4431", "[10.0.0.5]", "12345", "1.2", "010.0.0.1"})
    void allowFromANetworkNeedsAParseableAddressInside(String source) {
        requireSourceAddressAsGiven();
        allowReadWhen(Conditions.none().withSourceCidr("0.0.0.0/0", "::/0"));
        assertDenied(as(user("alice")).withSourceIp(source));
        assertAllowed(as(user("alice")).withSourceIp("10.0.0.5"));
    }

    @Test
    void denyFromAClusterAppliesWhenTheCallerNamesNoCluster() {
        allowReadWhen(Conditions.none());
        denyReadWhen(Conditions.none().withSourceCluster("eu-sandbox"));
        assertDenied(as(user("alice").withCluster("eu-sandbox")));
        assertDenied(as(user("alice")));
        assertAllowed(as(user("alice").withCluster("eu-prod-1")));
    }

    @Test
    void denyWithMfaIsRefusedWithAdviceToRequireItOnTheAllow() {
        Policy deny = Policy.deny("tck-deny-mfa", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/*"))
                .withConditions(Conditions.none().withMfa());
        InvalidRequestException refused = Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> manager().putPolicy(admin(), deny));
        assertTrue(refused.getMessage().contains("mfa") && refused.getMessage().contains("allow"), refused::getMessage);
        assertTrue(manager().getPolicy(admin(), "tck-deny-mfa").isEmpty(), "the refused deny was stored");
    }

    @Test
    void denyWithTicketRequiredIsRefusedWithAdviceToRequireItOnTheAllow() {
        Policy deny = Policy.deny("tck-deny-ticket", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/*"))
                .withConditions(Conditions.none().withTicketRequired().withSourceCidr("10.0.0.0/8"));
        InvalidRequestException refused = Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> manager().putPolicy(admin(), deny));
        assertTrue(refused.getMessage().contains("ticketRequired") && refused.getMessage().contains("allow"), refused::getMessage);
        assertTrue(manager().getPolicy(admin(), "tck-deny-ticket").isEmpty(), "the refused deny was stored");
    }

    @Test
    void allowMayRequireMfaAndATicketWhereADenyMayNot() {
        Policy allow = Policy.allow("tck-allow-mfa", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/*"))
                .withConditions(Conditions.none().withMfa().withTicketRequired());
        assertEquals(allow, manager().putPolicy(admin(), allow));
    }
}
