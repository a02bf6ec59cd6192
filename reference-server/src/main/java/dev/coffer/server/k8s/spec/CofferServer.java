package dev.coffer.server.k8s.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code coffer:} section: the server {@code coffer} connectors read through (the one client
 * of secrets-mp-config-source; every read is authorized and audited there).
 *
 * @param url the server's http(s) URL
 * @param tokenFile the file holding the bearer token, if the spec names one
 * @param where where the section is
 */
public record CofferServer(String url, Optional<Path> tokenFile, Where where) {
    public CofferServer {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(where, "where");
    }
}
