package dev.coffer.server.bench;

/** The names of the secrets a run loads: {@code bench/s/0000001} and up. */
final class BenchSecrets {
    /** The environment every bench secret lives in. */
    static final String ENVIRONMENT = "bench";
    /** The read route of secret {@code i}, as a format of {@code i} (Java and Lua share it). */
    static final String ROUTE_FORMAT = "/v1/secrets/" + ENVIRONMENT + "/s/%07d";
    /** The largest count the names allow. */
    static final int MAX = 9_999_999;

    private BenchSecrets() {}

    /** The path (after the environment) of secret {@code i}, 1-based. */
    static String path(int i) {
        return String.format("s/%07d", i);
    }

    /** The read route of secret {@code i}. */
    static String route(int i) {
        return String.format(ROUTE_FORMAT, i);
    }
}
