/**
 * The SecretManager API over JAX-RS (Jersey standalone, Open Liberty) with MicroProfile JWT authentication, and the coffer CLI. Arrives with issue 5.
 */
package dev.coffer.server;
