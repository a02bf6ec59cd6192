package dev.coffer.server.auth;

import jakarta.ws.rs.core.SecurityContext;

/** The security context of a request authenticated with a bearer token. */
final class CallerSecurityContext implements SecurityContext {
    private final CallerPrincipal caller;
    private final boolean secure;

    CallerSecurityContext(CallerPrincipal caller, boolean secure) {
        this.caller = caller;
        this.secure = secure;
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
        return "Bearer";
    }
}
