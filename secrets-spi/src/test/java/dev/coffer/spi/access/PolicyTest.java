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
}
