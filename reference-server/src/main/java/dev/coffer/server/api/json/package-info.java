/**
 * JSON bodies over JSON-B with strict reading: a size limit before parsing, unknown fields
 * refused by name, field types checked, and error messages that never quote the body.
 */
package dev.coffer.server.api.json;
