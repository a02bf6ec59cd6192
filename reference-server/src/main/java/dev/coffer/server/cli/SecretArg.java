package dev.coffer.server.cli;

import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import java.util.regex.Pattern;

/**
 * A secret named on the command line: an id ({@code sec_...}) or {@code <environment>/<path>}.
 *
 * <p>A name is validated by {@link SecretPath}'s rules, the ones the server applies on create,
 * before any request: a read of {@code prod/../etc/passwd} or {@code Prod/db} fails here with
 * {@code INVALID_PATH} naming the rule, instead of reaching a server that might resolve the dot
 * segments or answer a misleading 404.
 *
 * @param environment the environment, or {@code null} for an id
 * @param path the path, or {@code null} for an id
 * @param id the id, or {@code null} for a name
 */
record SecretArg(String environment, String path, String id) {

    private static final Pattern ID = Pattern.compile("sec_[A-Za-z0-9]{1,64}");

    /**
     * Parses and validates a name or an id.
     *
     * @throws CliException {@code USAGE} when the text is neither form
     * @throws InvalidRequestException {@code INVALID_PATH} naming the rule a name breaks
     */
    static SecretArg parse(String text) {
        if (text.startsWith("sec_")) {
            if (!ID.matcher(text).matches()) {
                // An id is sent as one path segment; nothing that could change the route may pass.
                throw new CliException(ExitCodes.INVALID, "INVALID_ARGUMENT: a secret id is sec_ followed by letters and digits");
            }
            return new SecretArg(null, null, text);
        }
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new CliException(ExitCodes.USAGE, "name a secret as <environment>/<path> (e.g. prod/db/password) or by id (sec_...)");
        }
        String environment = SecretPath.requireEnvironment(text.substring(0, slash));
        String path = SecretPath.requirePath(text.substring(slash + 1));
        return new SecretArg(environment, path, null);
    }

    /** Whether this names the secret by id ({@code sec_...}) rather than by path. */
    boolean isId() {
        return id != null;
    }

    /**
     * The reference operations take: by id, or by path in the caller's tenant. By path the server
     * resolves the name itself, so the audit shows the operation alone, not a describe before it.
     */
    SecretRef ref(Session session) {
        return id != null ? SecretRef.id(id) : SecretRef.path(session.path(this));
    }

    /** The path in the caller's tenant. */
    SecretPath path(Session session) {
        if (environment == null) {
            throw new CliException(ExitCodes.USAGE, "this command needs the name <environment>/<path>, not an id");
        }
        return session.path(this);
    }

    @Override
    public String toString() {
        return id != null ? id : environment + "/" + path;
    }
}
