package dev.coffer.spi.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "user:alice,          user:alice,                 true",
        "user:*,              user:alice,                 true",
        "service:prod:*,      service:prod:payments-api,  true",
        "service:prod:*,      service:dev:payments-api,   false",
        "*,                   group:oncall,               true",
        "user:a*e,            user:alice,                 true",
        "user:a*e,            user:alicia,                false",
        "user:alice,          user:alice2,                false",
    })
    void principalGlobs(String glob, String name, boolean expected) {
        assertEquals(expected, Policy.globMatches(glob, name));
    }

    @Test
    void groupsAreMatchedWithTheirPrefix() {
        Policy p = Policy.allow("oncall", List.of("group:payments-oncall"), List.of("secrets:read"), List.of("prod/*"));
        Principal bob = Principal.of("user:bob", "acme").withGroups("payments-oncall");
        assertTrue(p.coversPrincipal(bob.policyNames()));
        assertFalse(p.coversPrincipal(Principal.of("user:bob", "acme").policyNames()));
    }

    @Test
    void wildcardActionCoversEveryAction() {
        Policy p = Policy.allow("all", List.of("*"), List.of("secrets:*"), List.of("*"));
        for (Action a : Action.values()) {
            assertTrue(p.coversAction(a));
        }
        Policy read = Policy.allow("r", List.of("*"), List.of("secrets:read"), List.of("*"));
        assertFalse(read.coversAction(Action.ROTATE), "reading does not imply rotating");
    }

    @Test
    void invalidPoliciesAreRejectedWithTheRule() {
        assertEquals(ErrorCode.INVALID_POLICY, assertThrows(InvalidRequestException.class,
                () -> Policy.allow("p", List.of("user:a"), List.of("secrets:fly"), List.of("*"))).code());
        assertThrows(InvalidRequestException.class, () -> Policy.allow("p", List.of(), List.of("secrets:read"), List.of("*")));
        assertThrows(InvalidRequestException.class, () -> Policy.allow("Bad Name", List.of("user:a"), List.of("secrets:read"), List.of("*")));
        assertThrows(InvalidRequestException.class, () -> Policy.allow("p", List.of("user:a"), List.of("secrets:read"), List.of("prod/*/x")));
        assertThrows(InvalidRequestException.class, () -> new Conditions(false, false, List.of("10.0.0.0/33"), List.of()));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8,        10.1.2.3,      true",
        "10.0.0.0/8,        11.1.2.3,      false",
        "192.168.1.0/25,    192.168.1.127, true",
        "192.168.1.0/25,    192.168.1.128, false",
        "10.1.2.3,          10.1.2.3,      true",
        "0.0.0.0/0,         8.8.8.8,       true",
        "fd00::/8,          fd12::1,       true",
        "fd00::/8,          10.1.2.3,      false",
        "10.0.0.0/8,        not-an-ip,     false",
        "0.0.0.0/0,         12345,         false",
        "0.0.0.0/0,         1.2,           false",
        "0.0.0.0/0,         010.0.0.1,     false",
        "0.0.0.0/0,         10.0.0.5:4431, false",
        "::/0,              cafe,          false",
        "::/0,              ::ffff:10.0.0.1, false",
        "0.0.0.0/0,         ::ffff:10.0.0.1, true",
    })
    void cidrBlocks(String cidr, String address, boolean expected) {
        assertEquals(expected, CidrBlock.parse(cidr).contains(address));
    }

    @Test
    void conditionsMustAllHold() {
        Conditions c = Conditions.none().withMfa().withTicketRequired().withSourceCidr("10.0.0.0/8").withSourceCluster("eu-1");
        Principal p = new Principal("user:a", "acme", Set.of(), true, "eu-1");
        AccessContext ok = AccessContext.of(p).withTicket("INC-1").withSourceIp("10.0.0.7");
        assertTrue(c.holdFor(ok));
        assertFalse(c.holdFor(ok.withTicket(null)));
        assertFalse(c.holdFor(ok.withSourceIp("11.0.0.1")));
        assertFalse(c.holdFor(AccessContext.of(p.withMfa(false)).withTicket("INC-1").withSourceIp("10.0.0.7")));
        assertFalse(c.holdFor(AccessContext.of(p.withCluster("us-1")).withTicket("INC-1").withSourceIp("10.0.0.7")));
    }

    @ParameterizedTest(name = "\"{0}\" is an address: {1}")
    @CsvSource({
        "10.0.0.5,       true",
        "2001:db8::1,    true",
        "::1,            true",
        "'',             false",
        "garbage,        false",
        "unknown,        false",
        "cafe,           false",
        "12345,          false",
        "1.2.3,          false",
        "256.1.1.1,      false",
        "10.0.0.5:4431,  false",
        "[10.0.0.5],     false",
        "10.0.0.5/32,    false",
    })
    void onlyPlainAddressLiteralsAreAddresses(String text, boolean expected) {
        assertEquals(expected, CidrBlock.isAddress(text));
    }

    @Test
    void ambiguousIpv4FormsAreRefusedInPolicies() {
        assertThrows(InvalidRequestException.class, () -> CidrBlock.parse("12345/8"));
        assertThrows(InvalidRequestException.class, () -> CidrBlock.parse("10.1/16"));
    }

    // A deny applies unless the request proves a condition false; an allow only when it proves them all.
    @ParameterizedTest(name = "source {0}, cluster {1}: allow applies {2}, deny applies {3}")
    @CsvSource(nullValues = "null", value = {
        "10.0.0.7,  eu-1,  true,  true",
        "11.0.0.1,  eu-1,  false, false",
        "10.0.0.7,  us-1,  false, false",
        "null,      eu-1,  false, true",
        "garbage,   eu-1,  false, true",
        "10.0.0.7,  null,  false, true",
        "null,      null,  false, true",
        "11.0.0.1,  null,  false, false",
    })
    void conditionsFailClosedOnBothEffects(String source, String cluster, boolean allowApplies, boolean denyApplies) {
        Conditions c = Conditions.none().withSourceCidr("10.0.0.0/8").withSourceCluster("eu-1");
        AccessContext ctx = AccessContext.of(new Principal("user:a", "acme", Set.of(), false, cluster)).withSourceIp(source);
        Policy allow = Policy.allow("a", List.of("user:a"), List.of("secrets:read"), List.of("*")).withConditions(c);
        Policy deny = Policy.deny("d", List.of("user:a"), List.of("secrets:read"), List.of("*")).withConditions(c);
        assertEquals(allowApplies, allow.appliesTo(ctx), "allow");
        assertEquals(denyApplies, deny.appliesTo(ctx), "deny");
    }

    @Test
    void aStoredDenyWithMfaOrTicketAppliesWhetherOrNotTheyArePresent() {
        Policy deny = Policy.deny("d", List.of("user:a"), List.of("secrets:read"), List.of("*"))
                .withConditions(Conditions.none().withMfa().withTicketRequired());
        Principal a = Principal.of("user:a", "acme");
        assertTrue(deny.appliesTo(AccessContext.of(a)));
        assertTrue(deny.appliesTo(AccessContext.of(a.withMfa(true)).withTicket("INC-1")));
    }

    @Test
    void denyWithConditionsACallerCanOmitIsRefusedWithAdvice() {
        Policy mfa = Policy.deny("d", List.of("user:a"), List.of("secrets:read"), List.of("*")).withConditions(Conditions.none().withMfa());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, mfa::requireFailClosed);
        assertEquals(ErrorCode.INVALID_POLICY, refused.code());
        assertEquals("policy 'd': a deny cannot carry mfa (a caller would evade it by leaving it out); require mfa on the allow"
                + " policies instead, so that a request without it is not allowed", refused.getMessage());
        Policy both = mfa.withConditions(Conditions.none().withMfa().withTicketRequired());
        assertTrue(assertThrows(InvalidRequestException.class, both::requireFailClosed).getMessage()
                .contains("a deny cannot carry mfa and ticketRequired"));

        Policy network = mfa.withConditions(Conditions.none().withSourceCidr("10.0.0.0/8").withSourceCluster("eu-1"));
        assertEquals(network, network.requireFailClosed());
        Policy allow = Policy.allow("a", List.of("user:a"), List.of("secrets:read"), List.of("*"))
                .withConditions(Conditions.none().withMfa().withTicketRequired());
        assertEquals(allow, allow.requireFailClosed());
    }
}
