/**
 * The reference server on Open Liberty: the same resources and providers as standalone
 * ({@link dev.coffer.server.api.CofferApi}), with authentication by Liberty's {@code mpJwt}
 * feature and settings from MicroProfile Config.
 *
 * <p>Only this package uses CDI, MicroProfile Config and the Servlet API (all
 * {@code provided} by Liberty); the standalone server never loads it.
 */
package dev.coffer.server.liberty;
