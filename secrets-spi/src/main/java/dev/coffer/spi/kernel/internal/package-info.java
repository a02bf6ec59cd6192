/** Implementation details of the kernel. Not API: may change in any release. */
package dev.coffer.spi.kernel.internal;
