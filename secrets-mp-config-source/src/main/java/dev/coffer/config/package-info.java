/**
 * A MicroProfile ConfigSource that serves Coffer secrets from a shared cache with background refresh, stale-on-outage and fail-closed revocation, plus the HTTP client of the reference server. Arrives with issue 6.
 */
package dev.coffer.config;
