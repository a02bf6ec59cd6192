package dev.coffer.server.bench;

import dev.coffer.config.remote.BearerToken;
import dev.coffer.config.remote.RemoteSecretManager;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads a server with the bench secrets through its REST API, with the one HTTP client the CLI uses
 * ({@link RemoteSecretManager}) and the admin token: each secret created and given one current version
 * of 32 random bytes (hex), {@link #PARALLEL} at a time. The admin's bootstrap policy allows all of it.
 */
final class SecretLoader {
    /** How many secrets are loaded at once: enough to keep a 2-core server busy, few enough not to swamp it. */
    static final int PARALLEL = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretLoader() {}

    /**
     * Creates secrets {@code from} to {@code to} (inclusive).
     *
     * @throws IllegalStateException naming the first secret that failed (with the server's error code)
     */
    static void load(URI base, Path tokenFile, int from, int to, PrintStream progress) throws InterruptedException {
        String token;
        try {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token " + tokenFile, e);
        }
        SecretManager api = RemoteSecretManager.builder(URI.create(base + "/")).bearerToken(BearerToken.fixed(token)).build();
        Principal admin = Principal.of("user:admin", SecretManager.OPERATOR_TENANT);
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "coffer-bench-loader");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        int total = to - from + 1;
        int step = Math.max(1000, total / 10);
        try {
            List<Future<?>> work = new java.util.ArrayList<>();
            for (int p = 0; p < PARALLEL; p++) {
                int lane = p;
                work.add(pool.submit(() -> {
                    for (int i = from + lane; i <= to && !Thread.currentThread().isInterrupted(); i += PARALLEL) {
                        createOne(api, admin, i);
                        int n = done.incrementAndGet();
                        if (n % step == 0 && total >= 10_000) {
                            progress.println("coffer bench: loaded " + n + " of " + total + " secrets");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("loading the secrets failed: " + cause.getMessage(), cause);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static void createOne(SecretManager api, Principal admin, int i) {
        SecretPath path = SecretPath.of(SecretManager.OPERATOR_TENANT, BenchSecrets.ENVIRONMENT, BenchSecrets.path(i));
        AccessContext ctx = AccessContext.of(admin).withRequestId(UUID.randomUUID().toString());
        api.create(ctx, NewSecret.builder(path, "bench").description("coffer bench").build());
        byte[] noise = new byte[32];
        RANDOM.nextBytes(noise);
        try (SecretValue value = SecretValue.wrap(HexFormat.of().formatHex(noise).getBytes(StandardCharsets.US_ASCII))) {
            api.addVersion(ctx, SecretRef.path(path), NewVersion.current(value));
        }
    }
}
