/**
 * {@code ${coffer::<environment>/<path>[#alias|@version]}} expressions in SmallRye Config: any
 * property may reference a secret without a {@code coffer.map.*} line, resolved through the same
 * cache as the {@link dev.coffer.config.CofferConfigSource}.
 *
 * <pre>
 * coffer.url=http://coffer.internal:8480/
 * coffer.token-file=/var/run/secrets/coffer/token
 * db.url=jdbc:postgresql://db/payments?user=app&amp;password=${coffer::prod/payments/db-password}
 * </pre>
 *
 * Needs SmallRye Config (Quarkus, WildFly, Open Liberty's mpConfig 3+ use it); elsewhere the
 * service entry is simply never loaded.
 */
package dev.coffer.config.expression;
