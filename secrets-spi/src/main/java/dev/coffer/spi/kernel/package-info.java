/**
 * The kernel: {@link dev.coffer.spi.kernel.StandardSecretManager} composes the SPIs and enforces
 * the rules every implementation shares.
 */
package dev.coffer.spi.kernel;
