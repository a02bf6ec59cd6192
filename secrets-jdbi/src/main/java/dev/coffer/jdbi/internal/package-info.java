/** Implementation details of {@code dev.coffer.jdbi}: not API, may change at any time. */
package dev.coffer.jdbi.internal;
