/**
 * The JSON bodies of the REST API, as records: requests ({@code *Request}) convert themselves to
 * the API's types, responses ({@code *Body}) are built from them. Only {@link
 * dev.coffer.server.api.dto.SecretValueBody} carries a value.
 */
package dev.coffer.server.api.dto;
