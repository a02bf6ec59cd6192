package dev.coffer.server.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A secret named on the command line: an id ({@code sec_...}) or {@code <environment>/<path>}.
 * Names are resolved to ids with a listing filtered by environment and prefix.
 *
 * @param environment the environment, or {@code null} for an id
 * @param path the path, or {@code null} for an id
 * @param id the id, or {@code null} until resolved
 */
record SecretRef(String environment, String path, String id) {

    static SecretRef parse(String text) {
        if (text.startsWith("sec_")) {
            return new SecretRef(null, null, text);
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new CliException(ExitCodes.USAGE, "name a secret as <environment>/<path> (e.g. prod/db/password) or by id (sec_...)");
        }
        return new SecretRef(text.substring(0, slash), text.substring(slash + 1), null);
    }

    /** The id, listing the environment when only the name is known. */
    String resolveId(ApiClient api) {
        if (id != null) {
            return id;
        }
        return api.get(metadataPath(), Map.of()).getJsonObject("secret").getString("id");
    }

    /** The by-name metadata URL path {@code v1/metadata/<environment>/<path>}. */
    private String metadataPath() {
        return "v1/metadata/" + ApiClient.segment(environment) + "/"
                + Arrays.stream(path.split("/", -1)).map(ApiClient::segment).collect(Collectors.joining("/"));
    }

    /** The read URL path {@code v1/secrets/<environment>/<path>}. */
    String readPath() {
        if (environment == null) {
            throw new CliException(ExitCodes.USAGE, "reading needs the name <environment>/<path>, not an id");
        }
        return "v1/secrets/" + ApiClient.segment(environment) + "/"
                + Arrays.stream(path.split("/", -1)).map(ApiClient::segment).collect(Collectors.joining("/"));
    }

    @Override
    public String toString() {
        return id != null ? id : environment + "/" + path;
    }
}
