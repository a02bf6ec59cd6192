package dev.coffer.server.auth;

import jakarta.ws.rs.core.SecurityContext;

/**
 * The security context of a request authenticated with a bearer token: the mapped caller, its
 * groups as roles. Used by the standalone filter and by the Liberty (mpJwt) filter alike.
 */
public final class CallerSecurityContext implements SecurityContext {
    private final CallerPrincipal caller;
    private final boolean secure;
    private final String scheme;

    CallerSecurityContext(CallerPrincipal caller, boolean secure) {
        this(caller, secure, "Bearer");
    }

    /** A context for {@code caller}, authenticated by {@code scheme} (e.g. {@code MP-JWT}). */
    public CallerSecurityContext(CallerPrincipal caller, boolean secure, String scheme) {
        this.caller = caller;
        this.secure = secure;
        this.scheme = scheme;
    }

    @Override
    public CallerPrincipal getUserPrincipal() {
        return caller;
    }

    @Override
    public boolean isUserInRole(String role) {
        return caller.context().principal().groups().contains(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return scheme;
    }
}
