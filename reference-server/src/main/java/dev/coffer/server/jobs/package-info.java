/**
 * Background work of a Coffer server that runs beside the API: the {@link
 * dev.coffer.server.jobs.RotationScheduler}, which drives the rotation engine on a bounded pool.
 * Used by both runtimes (standalone and Liberty).
 */
package dev.coffer.server.jobs;
