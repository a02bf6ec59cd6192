package dev.coffer.tink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.internal.PrivateFiles;
import dev.coffer.tink.root.RootKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The embedded default root key: a Tink JSON keyset in a local file, generated on first use.
 *
 * <p><b>The trade-off, stated plainly:</b> the root keyset sits on disk in the clear, protected
 * only by file permissions. Whoever can read the file and the tenant key store can decrypt every
 * secret. That is the price of running without a KMS; production deployments use
 * {@code aws-kms://} or {@code gcp-kms://}.
 *
 * <p>Hence the rules, which are {@link PrivateFiles}' for every key file Coffer keeps: the file
 * is created with mode {@code 0600} (its directory, when created, {@code 0700}); an existing file
 * open to group or others is refused, not silently used; an unreadable or corrupt file fails with
 * a message naming the file and never its content. Creation is atomic and first-writer-wins, so
 * two processes racing end with one keyset (the loser uses the winner's), and a reader never
 * sees half a file.
 */
public final class LocalKeysetFile {
    /** The URI scheme, {@code local-keyset:<file>}. */
    public static final String SCHEME = "local-keyset:";

    private static final System.Logger LOG = System.getLogger(LocalKeysetFile.class.getName());
    // A keyset of a few keys is well under a kilobyte; anything far larger is not one.
    private static final long MAX_FILE_BYTES = 1 << 20;

    private LocalKeysetFile() {}

    /**
     * The root key in {@code file}, generating the keyset first if the file does not exist.
     *
     * @throws UnavailableException {@code KEY_UNAVAILABLE} when the file cannot be created or
     *         read, is open to group or others, or does not hold a Tink AEAD keyset
     */
    public static RootKey openOrCreate(Path file) {
        Path target = file.toAbsolutePath().normalize();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            create(target);
        }
        return AeadRootKey.local(SCHEME + target, read(target));
    }

    private static void create(Path file) {
        String json;
        try {
            json = TinkKeys.serializeJson(TinkKeys.newAes256GcmKeyset());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an AES256-GCM keyset", e);
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try {
            PrivateFiles.createDirectoryIfMissing(file.getParent());
            if (PrivateFiles.createOnce(file, bytes)) {
                LOG.log(System.Logger.Level.INFO, "Generated the root keyset " + file
                        + " (mode 0600). Back it up: without it no secret can be decrypted.");
            }
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot create the root keyset file " + file + ": " + describe(e), e);
        } finally {
            TinkKeys.wipe(bytes);
        }
    }

    private static Aead read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw unavailable(file, "it is not a regular file");
        }
        checkPermissions(file);
        byte[] bytes = null;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw unavailable(file, "it is larger than any keyset (" + Files.size(file) + " bytes)");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot read the root keyset file " + file + ": " + describe(e), e);
        }
        // Neither the parser's exception nor its message is kept: a JSON error may quote the
        // input, and the input is key material.
        KeysetHandle handle;
        try {
            handle = TinkKeys.parseJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unavailable(file, "it is not a valid Tink JSON keyset (corrupt or truncated?)");
        } finally {
            TinkKeys.wipe(bytes);
        }
        try {
            return TinkKeys.aead(handle);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unavailable(file, "it holds no enabled AEAD key with a primary");
        }
    }

    private static void checkPermissions(Path file) {
        try {
            PrivateFiles.requireOwnerOnly(file, why -> unavailable(file, "it holds the root key in the clear and " + why));
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot read the permissions of the root keyset file " + file + ": " + describe(e), e);
        }
    }

    private static UnavailableException unavailable(Path file, String why) {
        return new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the root keyset file " + file + " cannot be used: " + why);
    }

    private static String describe(IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
        return e.getClass().getSimpleName() + (reason == null ? "" : " (" + reason + ")");
    }
}
