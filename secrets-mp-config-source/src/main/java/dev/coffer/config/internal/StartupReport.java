package dev.coffer.config.internal;

import dev.coffer.config.settings.Settings;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.internal.Messages;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one line a ConfigSource logs when it starts: which server, which identity and where each of
 * those settings came from, so that an application that silently picked up someone else's token
 * (an operator's exported admin token, say) shows it at once. Logged once per distinct settings;
 * names, paths and setting origins only, never a value or a token.
 */
public final class StartupReport {
    /** The group of the reference server's administrators; an application should not read as one. */
    static final String ADMIN_GROUP = "coffer-admins";

    private static final Set<Settings> REPORTED = ConcurrentHashMap.newKeySet();

    private StartupReport() {}

    /**
     * Logs the report of a remote source once for these settings.
     *
     * @param origin where a setting's value came from ({@code coffer.url} → {@code environment variable COFFER_URL})
     */
    public static void remote(Logger log, Settings settings, Function<String, Optional<String>> origin) {
        if (!REPORTED.add(settings)) {
            return;
        }
        Optional<TokenClaims> claims = TokenClaims.peek(settings.tokenFile());
        String who = claims.map(c -> "principal '" + Messages.printable(c.principal()) + "' in tenant '"
                        + Messages.printable(c.tenant() == null ? Settings.DEFAULT_TENANT : c.tenant())
                        + "' (claims of the token, read without verifying it; the server verifies)")
                .orElse("an unknown principal (the token file is not readable yet or holds no JWT)");
        log.info("Coffer ConfigSource reads " + mapped(settings) + " from " + settings.url() + " ("
                + from(origin, Settings.URL) + ") as " + who + ", token file " + settings.tokenFile() + " ("
                + from(origin, Settings.TOKEN_FILE) + ")");
        if (claims.isPresent() && claims.get().groups().contains(ADMIN_GROUP)) {
            log.log(Level.WARNING, "Coffer ConfigSource: the token in " + settings.tokenFile() + " (" + from(origin, Settings.TOKEN_FILE)
                    + ") belongs to group " + ADMIN_GROUP + ", an administrator; give the application a token of its own that may "
                    + "only read its secrets");
        }
    }

    /** Logs the report of an embedded source once for these settings. */
    public static void embedded(Logger log, Settings settings, Function<String, Optional<String>> origin, Principal principal,
            String provider) {
        if (!REPORTED.add(settings)) {
            return;
        }
        log.info("Coffer ConfigSource reads " + mapped(settings) + " from the embedded SecretManager of " + provider + " ("
                + Settings.URL + "=" + Settings.EMBEDDED + ", " + from(origin, Settings.URL) + ") as principal '"
                + Messages.printable(principal.id()) + "' in tenant '" + Messages.printable(principal.tenant()) + "'");
    }

    private static String mapped(Settings settings) {
        String properties = settings.mappings().size() + " mapped propert" + (settings.mappings().size() == 1 ? "y" : "ies");
        return settings.prefix() == null ? properties
                : properties + " and the secrets of " + settings.environment() + " as " + settings.prefix() + "*";
    }

    private static String from(Function<String, Optional<String>> origin, String key) {
        return origin.apply(key).map(o -> "from " + o).orElse("default");
    }
}
