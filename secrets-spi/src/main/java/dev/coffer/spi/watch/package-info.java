/**
 * The change stream: metadata events for every change to a secret or to who may see it, in the
 * order of the audit log, resumable from any event's sequence. Never a value.
 *
 * <p>A consumer subscribes with {@link dev.coffer.spi.SecretManager#watch}, polls batches of
 * {@link dev.coffer.spi.watch.SecretChange}s and refreshes what it caches; a batch that
 * {@link dev.coffer.spi.watch.ChangeBatch#reset() resets} says the consumer missed more than can be
 * replayed, so it refreshes everything and carries on from the batch's cursor.
 *
 * <pre>{@code
 * try (ChangeSubscription changes = manager.watch(ctx, WatchRequest.of("prod", "payments/"))) {
 *     while (running) {
 *         ChangeBatch batch = changes.poll(100, Duration.ofSeconds(15));
 *         if (batch.reset()) {
 *             cache.refreshAll();
 *         }
 *         batch.changes().forEach(cache::refresh);
 *         saveCursor(batch.cursor());                 // resume from here after a restart
 *     }
 * }
 * }</pre>
 */
package dev.coffer.spi.watch;
