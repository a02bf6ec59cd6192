package dev.coffer.server.agent;

/**
 * A configuration the agent refuses; the message names the file and the key
 * ({@code agent.yaml: templates[0].permissions: ...}), never a secret value.
 */
public final class AgentConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public AgentConfigException(String message) {
        super(message);
    }
}
