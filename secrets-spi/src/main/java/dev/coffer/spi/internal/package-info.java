/** Helpers shared by the SPI's own packages and Coffer's modules. Not API: may change in any release. */
package dev.coffer.spi.internal;
