/**
 * Encryption SPI: {@link dev.coffer.spi.crypto.Envelope} seals values bound to tenant,
 * environment, path and version; {@link dev.coffer.spi.crypto.SealedValue} is what stores keep.
 */
package dev.coffer.spi.crypto;
