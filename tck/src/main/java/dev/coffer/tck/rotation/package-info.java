/**
 * The contract every {@link dev.coffer.spi.rotation.Rotator} runs ({@link dev.coffer.tck.rotation.RotatorContract}),
 * the fixture it is given ({@link dev.coffer.tck.rotation.RotatorFixture}) and a context that drives a
 * rotator's steps without an engine ({@link dev.coffer.tck.rotation.StubRotationContext}), which
 * rotator authors may use in their own tests too.
 */
package dev.coffer.tck.rotation;
