/**
 * The {@code coffer} command line (picocli): {@code serve} runs the standalone server; the client
 * commands ({@code secret}, {@code policy}, {@code audit}) call its REST API with the JDK
 * HttpClient and JSON-P; {@code token mint} signs tokens with the key in the data directory.
 * Exit codes are listed in {@link dev.coffer.server.cli.ExitCodes}.
 */
package dev.coffer.server.cli;
