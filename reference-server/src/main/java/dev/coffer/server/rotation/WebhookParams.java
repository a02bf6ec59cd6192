package dev.coffer.server.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Durations;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.SecretPath;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The params of a {@code webhook} rotation policy, validated.
 *
 * <pre>{@code
 * WebhookParams p = WebhookParams.parse(Map.of(
 *         "url", "https://rotate.example.com/coffer",
 *         "signingKeySecret", "prod/rotation/webhook-key",
 *         "timeout", "10s"));
 * }</pre>
 *
 * @param url where every step is {@code POST}ed: {@code https}, or {@code http} to a loopback host
 * @param signingKeySecret {@code <environment>/<path>} of the secret holding the HMAC key
 * @param timeout how long one call may take, connection and whole answer included
 */
public record WebhookParams(URI url, String signingKeySecret, Duration timeout) {
    /** The param naming the endpoint. */
    public static final String URL = "url";
    /** The param naming the secret that holds the signing key. */
    public static final String SIGNING_KEY_SECRET = "signingKeySecret";
    /** The param bounding one call. */
    public static final String TIMEOUT = "timeout";
    /** The longest URL accepted. */
    public static final int MAX_URL_LENGTH = 1024;
    /** The timeout when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The shortest timeout accepted. */
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    /** The longest timeout accepted: a step holds its run's claim while it waits. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    private static final Set<String> KNOWN = Set.of(URL, SIGNING_KEY_SECRET, TIMEOUT);

    /**
     * Reads and checks {@code params}.
     *
     * @throws InvalidRequestException {@code INVALID_ROTATION_POLICY} naming the param and the rule it breaks
     */
    public static WebhookParams parse(Map<String, String> params) {
        Map<String, String> given = params == null ? Map.of() : params;
        Set<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw invalid("the webhook rotator has no param '" + Messages.printable(first)
                    + "'; it takes url, signingKeySecret and timeout");
        }
        return new WebhookParams(url(given.get(URL)), signingKeySecret(given.get(SIGNING_KEY_SECRET)),
                timeout(given.get(TIMEOUT)));
    }

    private static URI url(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("param url is required: the https URL every rotation step is POSTed to");
        }
        if (text.length() > MAX_URL_LENGTH) {
            throw invalid("param url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // The reason names the offending character's index, never the text.
            throw invalid("param url is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawAuthority() == null) {
            throw invalid("param url must be an absolute https URL such as https://rotate.example.com/coffer");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid("param url must not hold user info (user:password@); the body is signed instead");
        }
        if (uri.getHost() == null) {
            throw invalid("param url has no host (or a host that is not a valid name or address)");
        }
        if (uri.getRawFragment() != null) {
            throw invalid("param url must not have a fragment (#...)");
        }
        if (scheme.equals("http")) {
            if (!isLoopback(uri.getHost())) {
                throw invalid("param url must use https; http is allowed only to a loopback host"
                        + " (localhost, 127.0.0.0/8, [::1]) for tests and local development");
            }
        } else if (!scheme.equals("https")) {
            throw invalid("param url must use https (or http to a loopback host), not " + Messages.printable(scheme));
        }
        if (uri.getPort() == 0) {
            throw invalid("param url has port 0");
        }
        return uri;
    }

    /**
     * Whether {@code host} is {@code localhost} or a loopback address literal. Names other than
     * {@code localhost} are not resolved: what a name resolves to may change after validation.
     */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        boolean literal = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || (h.contains(":") && h.matches("[0-9a-f:.]+"));
        if (!literal) {
            return false;
        }
        try {
            // A literal is parsed, never looked up.
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String signingKeySecret(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("param signingKeySecret is required: <environment>/<path> of the secret holding the"
                    + " HMAC-SHA256 key (at least 32 bytes)");
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw invalid("param signingKeySecret must be written <environment>/<path>");
        }
        try {
            SecretPath.requireEnvironment(text.substring(0, slash));
            SecretPath.requirePath(text.substring(slash + 1));
        } catch (InvalidRequestException e) {
            throw invalid("param signingKeySecret is not a valid secret path: " + e.getMessage());
        }
        return text;
    }

    private static Duration timeout(String text) {
        if (text == null) {
            return DEFAULT_TIMEOUT;
        }
        Duration d;
        try {
            d = Durations.parse(TIMEOUT, text);
        } catch (IllegalArgumentException e) {
            throw invalid("param " + e.getMessage());
        }
        if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw invalid("param timeout must be between 1s and 60s, got " + d);
        }
        return d;
    }

    /** The scheme, host and port of {@link #url()}: what messages name (a path or query may be private). */
    public String origin() {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority();
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, message);
    }
}
