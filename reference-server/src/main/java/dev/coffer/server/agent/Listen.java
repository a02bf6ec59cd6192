package dev.coffer.server.agent;

/**
 * Where {@code /health} and {@code /metrics} listen ({@code listen: 127.0.0.1:8787}).
 *
 * @param host an IP literal or host name to bind
 * @param port the port, 0 for a free one
 */
public record Listen(String host, int port) {}
