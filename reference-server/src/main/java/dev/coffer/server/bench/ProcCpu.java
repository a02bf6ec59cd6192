package dev.coffer.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time from {@code /proc}: a process's {@code utime + stime} (fields 14 and 15 of
 * {@code /proc/<pid>/stat}, in clock ticks of 1/100 s, the Linux USER_HZ), and the sum over every
 * process whose {@code /proc/<pid>/comm} is {@code postgres} (the PostgreSQL server and its backends).
 */
final class ProcCpu {
    /** Linux reports /proc times in USER_HZ, 100 on every architecture it supports. */
    private static final double MS_PER_TICK = 10.0;
    private static final Path PROC = Path.of("/proc");

    private ProcCpu() {}

    /** Whether this machine has a Linux {@code /proc} (elsewhere the CPU columns stay empty). */
    static boolean available() {
        return Files.isReadable(PROC.resolve("self/stat"));
    }

    /** The CPU time of process {@code pid} in milliseconds, or NaN when it is gone or unreadable. */
    static double processMs(long pid) {
        try {
            return ticks(Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.US_ASCII)) * MS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** This JVM's CPU time in milliseconds. */
    static double selfMs() {
        return processMs(ProcessHandle.current().pid());
    }

    /** The CPU time of every {@code postgres} process, summed, in milliseconds (0 without any). */
    static double postgresMs() {
        double sum = 0;
        for (long ticks : postgresTicks().values()) {
            sum += ticks * MS_PER_TICK;
        }
        return sum;
    }

    /** Clock ticks of every {@code postgres} process, by process id (empty when {@code /proc} cannot be listed). */
    static Map<Long, Long> postgresTicks() {
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path entry : entries) {
                try {
                    if (Files.readString(entry.resolve("comm"), StandardCharsets.US_ASCII).strip().equals("postgres")) {
                        ticks.put(Long.parseLong(entry.getFileName().toString()),
                                ticks(Files.readString(entry.resolve("stat"), StandardCharsets.US_ASCII)));
                    }
                } catch (NoSuchFileException e) {
                    // The process ended between the listing and the read.
                } catch (IOException | RuntimeException e) {
                    // Another user's process we may not read: not PostgreSQL's, or counted as 0.
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /**
     * The CPU PostgreSQL spends over a window, backends that start and end inside it included (pgbench
     * connects and disconnects its clients: read only at the start and the end, they would count for
     * nothing). Polls {@code /proc} every {@link #POLL_MS} ms; a backend that is gone counts up to its
     * last poll, so at most one period of each ending backend is missed.
     */
    static final class PostgresMeter {
        static final long POLL_MS = 100;
        private final Map<Long, Long> first;
        private final Map<Long, Long> last = new HashMap<>();
        private final Thread thread;
        private volatile boolean stop;

        private PostgresMeter() {
            first = postgresTicks();
            last.putAll(first);
            thread = new Thread(this::loop, "coffer-bench-postgres-cpu");
            thread.setDaemon(true);
        }

        /** Starts measuring now. */
        static PostgresMeter start() {
            PostgresMeter meter = new PostgresMeter();
            meter.thread.start();
            return meter;
        }

        private void loop() {
            while (!stop) {
                poll();
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void poll() {
            last.putAll(postgresTicks());
        }

        /** Stops and returns the CPU milliseconds spent since the start by every postgres process. */
        double stopMs() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(5000);
            poll();
            synchronized (this) {
                long ticks = 0;
                for (Map.Entry<Long, Long> e : last.entrySet()) {
                    // A process absent at the start began inside the window: all its time is the window's.
                    ticks += Math.max(0, e.getValue() - first.getOrDefault(e.getKey(), 0L));
                }
                return ticks * MS_PER_TICK;
            }
        }
    }

    /** utime + stime of one {@code stat} line; the command name (field 2) may hold spaces, so fields count from its ')'. */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
