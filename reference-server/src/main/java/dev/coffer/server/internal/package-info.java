/** Helpers shared by the server's packages. Not API. */
package dev.coffer.server.internal;
