package dev.coffer.spi.watch;

import dev.coffer.spi.internal.PlainText;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import java.util.OptionalLong;

/**
 * What to watch: secrets of one environment (or all) under a path prefix (or all), from a position.
 *
 * <p>{@link ChangeKind#ACCESS_CHANGED} reaches every subscription of the tenant, whatever its scope.
 *
 * @param environment only this environment's secrets, or {@code null} for every environment
 * @param prefix only paths (without environment) starting with this text, or {@code null} for all
 * @param after resume after this seq (the last change seen, {@code Last-Event-ID}); empty to start
 *        at the head (only changes made from now on)
 */
public record WatchRequest(String environment, String prefix, OptionalLong after) {

    public WatchRequest {
        if (environment != null) {
            SecretPath.requireEnvironment(environment);
        }
        if (prefix != null && prefix.length() > SecretPath.MAX_PATH_LENGTH) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "prefix is longer than " + SecretPath.MAX_PATH_LENGTH + " characters");
        }
        PlainText.require("prefix", prefix);
        if (prefix != null && prefix.isEmpty()) {
            prefix = null;
        }
        if (after == null) {
            after = OptionalLong.empty();
        } else if (after.isPresent() && after.getAsLong() < 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "a watch resumes after a seq of 0 or more");
        }
    }

    /** Changes of {@code environment} under {@code prefix} (either may be {@code null}) from now on. */
    public static WatchRequest of(String environment, String prefix) {
        return new WatchRequest(environment, prefix, OptionalLong.empty());
    }

    /** The same scope, resumed after {@code seq}. */
    public WatchRequest resumingAfter(long seq) {
        return new WatchRequest(environment, prefix, OptionalLong.of(seq));
    }

    /** Whether a change of a secret at {@code environment}/{@code path} is in this request's scope. */
    public boolean covers(String changeEnvironment, String changePath) {
        return (environment == null || environment.equals(changeEnvironment))
                && (prefix == null || changePath.startsWith(prefix));
    }

    /** Whether {@code change} is in scope: a secret's change under the scope, or any access change. */
    public boolean covers(SecretChange change) {
        return change.kind() == ChangeKind.ACCESS_CHANGED || covers(change.environment(), change.path());
    }
}
