/** Parts of the rotation model that are not API: the cron parser. */
package dev.coffer.spi.rotation.internal;
