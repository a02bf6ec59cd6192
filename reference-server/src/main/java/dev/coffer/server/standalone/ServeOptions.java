package dev.coffer.server.standalone;

import dev.coffer.server.auth.JwtSettings;
import java.nio.file.Path;

/**
 * How {@code coffer serve} runs.
 *
 * @param bind address to listen on
 * @param port port (0 picks a free one)
 * @param data the data directory
 * @param jdbcUrl the database, or {@code null} for the H2 file in the data directory
 * @param keyUri the root key, or {@code null} for the local keyset in the data directory
 * @param inMemory keep everything in memory instead (demos, tests)
 * @param trustForwardedFor take the caller's address from the last {@code X-Forwarded-For} entry
 * @param jwt token issuer and audience
 */
public record ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
        boolean trustForwardedFor, JwtSettings jwt) {}
