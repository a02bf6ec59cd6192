package dev.coffer.server.bench;

/**
 * What a load driver saw in one window.
 *
 * @param requests responses received
 * @param seconds the window's length as the driver measured it
 * @param p50Ms the median latency in milliseconds
 * @param p99Ms the 99th percentile latency in milliseconds
 * @param unexpected responses whose status was not the expected one (a 2xx for reads, a 401 for the floor)
 * @param socketErrors connect, read, write and timeout errors
 * @param driverCpuMs the driver's own CPU time over the window in milliseconds, or NaN when the driver
 *     runs inside this process (then the caller measures it)
 */
public record LoadResult(long requests, double seconds, double p50Ms, double p99Ms, long unexpected, long socketErrors, double driverCpuMs) {
    /** Responses per second. */
    public double perSecond() {
        return seconds <= 0 ? 0 : requests / seconds;
    }

    /** Whether every request got its expected answer. */
    public boolean clean() {
        return unexpected == 0 && socketErrors == 0 && requests > 0;
    }

    /** Why the window does not count, or null when it does. */
    public String failure() {
        if (clean()) {
            return null;
        }
        if (requests == 0 && socketErrors == 0) {
            return "no response";
        }
        return unexpected + " unexpected status, " + socketErrors + " socket errors";
    }
}
