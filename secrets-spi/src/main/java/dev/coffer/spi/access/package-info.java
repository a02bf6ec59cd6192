/**
 * Access control: principals, per-request context, policies with resource patterns and
 * conditions, and break-glass grants.
 */
package dev.coffer.spi.access;
