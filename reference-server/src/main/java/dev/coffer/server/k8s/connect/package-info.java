/**
 * Where the values of {@code coffer k8s} come from: a {@link dev.coffer.server.k8s.connect.Connector}
 * per connector of a spec ({@code coffer}, {@code env}, {@code literal}), built by
 * {@link dev.coffer.server.k8s.connect.Connectors}, each giving a
 * {@link dev.coffer.server.k8s.connect.LoadedValue} with its source for provenance.
 */
package dev.coffer.server.k8s.connect;
