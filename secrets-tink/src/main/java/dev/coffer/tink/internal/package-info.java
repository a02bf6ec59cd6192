/**
 * Implementation of the Tink envelope: the Tink calls, the tenant keyring and its cache, the local
 * keyset file, KMS routing. Not API; may change freely.
 */
package dev.coffer.tink.internal;
