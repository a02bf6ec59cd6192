/**
 * The {@code coffer} command line (picocli): {@code serve} runs the standalone server; the client
 * commands ({@code secret}, {@code policy}, {@code audit}, {@code break-glass}) call its REST API
 * through {@link dev.coffer.config.remote.RemoteSecretManager}, the one HTTP client the ConfigSource
 * uses too, and print tables and labelled text, or with {@code -o json} the REST bodies' JSON;
 * {@code token mint} signs tokens with the key in the data directory.
 * Exit codes are listed in {@link dev.coffer.server.cli.ExitCodes}.
 */
package dev.coffer.server.cli;
