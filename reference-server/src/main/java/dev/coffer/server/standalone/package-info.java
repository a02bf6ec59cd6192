/**
 * The standalone server: Jersey on Jetty, a data directory holding the signing key, keyset,
 * database and admin token, and the wiring of the kernel over durable (or in-memory) parts.
 */
package dev.coffer.server.standalone;
