/**
 * The topics of {@link dev.coffer.tck.SecretManagerContract}, one abstract class each, sharing
 * {@link dev.coffer.tck.manager.ManagerContractBase}. Vendors do not extend these directly:
 * {@code SecretManagerContract} runs every topic as a {@code @Nested} class against the
 * vendor's fixture.
 */
package dev.coffer.tck.manager;
