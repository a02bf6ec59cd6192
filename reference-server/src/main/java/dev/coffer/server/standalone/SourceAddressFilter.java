package dev.coffer.server.standalone;

import dev.coffer.server.api.RequestFacts;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Puts the caller's address into {@link RequestFacts#SOURCE_IP}: the connection's peer address,
 * or — only with {@code --trust-forwarded-for}, for a server behind one reverse proxy — the last
 * {@code X-Forwarded-For} entry, which is the address that proxy saw. Earlier entries are written
 * by the client and are never trusted.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class SourceAddressFilter implements ContainerRequestFilter {
    private final boolean trustForwardedFor;

    @Inject
    private Provider<HttpServletRequest> servletRequest;

    SourceAddressFilter(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String address = servletRequest.get().getRemoteAddr();
        if (trustForwardedFor) {
            String forwarded = request.getHeaderString("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].trim();
                if (!last.isEmpty() && last.length() <= 64) {
                    address = last;
                }
            }
        }
        request.setProperty(RequestFacts.SOURCE_IP, address);
    }
}
