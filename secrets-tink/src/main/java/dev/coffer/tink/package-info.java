/**
 * Envelope encryption on Google Tink: a root KEK from a key URI, per-tenant KEK keysets stored wrapped under the root, and a fresh DEK per secret version. Arrives with issue 3.
 */
package dev.coffer.tink;
