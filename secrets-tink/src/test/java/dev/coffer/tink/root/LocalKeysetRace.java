package dev.coffer.tink.root;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A separate process for {@link RootKeysTest}: waits until the agreed instant, opens (or creates)
 * the local keyset at the given path, and prints a wrap of a fixed message, so the parent can
 * check that every racer ended up with the same key.
 */
public final class LocalKeysetRace {
    private LocalKeysetRace() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long startAt = Long.parseLong(args[1]);
        while (System.currentTimeMillis() < startAt) {
            Thread.onSpinWait();
        }
        RootKey root = RootKeys.localKeyset(file);
        byte[] wrapped = root.wrap(RootKeysTest.PROBE.getBytes(StandardCharsets.UTF_8), RootKeysTest.PROBE_AAD);
        System.out.println("WRAPPED " + Base64.getEncoder().encodeToString(wrapped));
    }
}
