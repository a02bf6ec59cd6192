package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.Arrays;

/**
 * The actions a policy grants or denies. None implies another: reading does not imply rotating
 * and rotating does not imply reading.
 */
public enum Action {
    /** Read a value. */
    READ("secrets:read"),
    /** Add versions; update metadata. */
    WRITE("secrets:write"),
    /** Move aliases (promote, roll back); disable and enable versions. */
    ROTATE("secrets:rotate"),
    /** Destroy versions; schedule deletion, restore, purge; manage policies. */
    ADMIN("secrets:admin"),
    /** Request a break-glass grant and read under it. */
    READ_BREAK_GLASS("secrets:read-break-glass"),
    /** Query, summarize and verify the audit log. */
    AUDIT("secrets:audit"),
    /** Create secrets. */
    ONBOARD("secrets:onboard"),
    /**
     * Read the server's operational metrics (process-wide figures), checked on resource {@code *}
     * and granted only to principals of {@link dev.coffer.spi.SecretManager#OPERATOR_TENANT}.
     */
    METRICS("secrets:metrics");

    /** In a policy, grants or denies every action. */
    public static final String ALL = "secrets:*";

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in policies and audit events, e.g. {@code secrets:read}. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name. */
    public static Action fromWireName(String name) {
        return Arrays.stream(values())
                .filter(a -> a.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidRequestException(ErrorCode.INVALID_POLICY,
                        "unknown action; expected one of " + Arrays.stream(values()).map(Action::wireName).toList()
                                + " or " + ALL));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
