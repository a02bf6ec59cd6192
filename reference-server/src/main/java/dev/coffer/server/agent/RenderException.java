package dev.coffer.server.agent;

/** A template that cannot be rendered (a name it uses is not declared); names the name, never a value. */
public final class RenderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RenderException(String message) {
        super(message, null, false, false);
    }
}
