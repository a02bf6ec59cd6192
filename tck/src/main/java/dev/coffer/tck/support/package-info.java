/**
 * Helpers the contract suites share and vendors may use in their own tests: a movable clock,
 * remembered test values, the leak-scanning extension and exception assertions.
 */
package dev.coffer.tck.support;
