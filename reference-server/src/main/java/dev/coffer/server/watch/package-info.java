/**
 * The machinery behind {@code GET /v1/watch}: one worker thread per open stream polls its
 * {@link dev.coffer.spi.watch.ChangeSubscription} and writes Server-Sent Events through the JAX-RS
 * SSE API, within the limits of {@link dev.coffer.server.watch.WatchSettings}.
 */
package dev.coffer.server.watch;
