package dev.coffer.jdbi.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * Moves the live pages of an H2 file store's emptiest chunks, choosing only chunks no fuller than
 * a given fill rate, the way H2's own background writer does.
 *
 * <p>Why not H2's public {@code MVStore.compact(targetFillRate, write)}: that one takes every
 * chunk older than the retention time as a candidate, whatever its fill rate, and ranks them by
 * fill rate divided by age. Under an append-only audit load the oldest chunks are the ones earlier
 * passes wrote, nearly full of pages that never die, so it moved them again and again: about four
 * live bytes moved for each dead byte freed, and a fifth of the server's CPU. H2's background
 * writer (which runs only with {@code WRITE_DELAY} above 0) asks for chunks at or below the
 * rewritable chunks' average fill rate instead, through methods that H2 keeps package-private.
 * This class calls those by reflection; when an H2 version no longer has them, {@link #selective()}
 * is false and it falls back to the public {@code compact}.
 */
final class ChunkRewriter {
    private static final Method REWRITE_CHUNKS;     // FileStore.rewriteChunks(int writeLimit, int targetFillRate)
    private static final Method REWRITABLE_FILL;    // FileStore.getRewritableChunksFillRate()
    private static final Method UNDER_STORE_LOCK;   // MVStore.tryExecuteUnderStoreLock(Callable)

    static {
        Method rewrite = null;
        Method fill = null;
        Method lock = null;
        try {
            rewrite = FileStore.class.getDeclaredMethod("rewriteChunks", int.class, int.class);
            fill = FileStore.class.getDeclaredMethod("getRewritableChunksFillRate");
            lock = MVStore.class.getDeclaredMethod("tryExecuteUnderStoreLock", Callable.class);
            rewrite.setAccessible(true);
            fill.setAccessible(true);
            lock.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            rewrite = null;
            fill = null;
            lock = null;
        }
        REWRITE_CHUNKS = rewrite;
        REWRITABLE_FILL = fill;
        UNDER_STORE_LOCK = lock;
    }

    private ChunkRewriter() {
    }

    /** Whether this H2 version lets chunks be chosen by fill rate (tests assert it, so an upgrade that breaks it is seen). */
    static boolean selective() {
        return REWRITE_CHUNKS != null;
    }

    /**
     * The fill rate of the chunks old enough to be rewritten (live bytes of their total, in
     * percent); with no selective rewrite, the fill rate of all chunks.
     */
    static int rewritableFillRate(MVStore store) {
        FileStore<?> files = store.getFileStore();
        if (!selective()) {
            return files.getChunksFillRate();
        }
        return (Integer) call(REWRITABLE_FILL, files);
    }

    /**
     * Moves the live pages of up to about {@code writeLimit} bytes of chunks whose fill rate is at
     * most {@code maxFillRate}, emptiest and oldest first, under the store's lock (waiting for it at
     * most H2's 10 ms).
     *
     * @return whether any chunk was rewritten; false also when the lock was not had in time
     */
    static boolean rewrite(MVStore store, int maxFillRate, int writeLimit) {
        FileStore<?> files = store.getFileStore();
        if (!selective()) {
            return store.compact(100, writeLimit);
        }
        Callable<Boolean> rewrite = () -> {
            boolean moved = (Boolean) call(REWRITE_CHUNKS, files, writeLimit, maxFillRate);
            if (moved) {
                files.dropUnusedChunks(); // as H2's background writer does after a rewrite
            }
            return moved;
        };
        return Boolean.TRUE.equals(call(UNDER_STORE_LOCK, store, rewrite));
    }

    private static Object call(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("H2 " + method.getName() + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("H2 " + method.getName() + " is not accessible", e);
        }
    }
}
