package dev.coffer.spi.access;

/** What a matching policy does. An explicit deny wins over any allow. */
public enum Effect {
    ALLOW,
    DENY
}
