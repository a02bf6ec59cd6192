/**
 * The ConfigSource's settings: {@link dev.coffer.config.settings.Bootstrap} reads them from system
 * properties, environment variables and {@code microprofile-config.properties} without
 * {@code ConfigProvider}; {@link dev.coffer.config.settings.Settings} holds and validates them;
 * durations and mappings are parsed by {@link dev.coffer.config.settings.Durations} and
 * {@link dev.coffer.config.settings.SecretMapping}.
 */
package dev.coffer.config.settings;
