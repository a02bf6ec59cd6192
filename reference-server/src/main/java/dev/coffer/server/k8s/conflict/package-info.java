/**
 * Conflicts between the objects {@code coffer k8s} would generate, found before any value is read:
 * each object has a {@link dev.coffer.server.k8s.conflict.ConflictKey} ({@code {type}:{namespace}/{name}}),
 * and {@link dev.coffer.server.k8s.conflict.ConflictResolver} settles two claims on one object by the
 * spec's {@link dev.coffer.server.k8s.spec.ConflictPolicy} at the level they meet (within a provider,
 * across providers, across managers).
 */
package dev.coffer.server.k8s.conflict;
