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
import java.util.List;
import java.util.Objects;

/**
 * Puts the caller's address into {@link RequestFacts#SOURCE_IP}: the connection's peer address,
 * or — when the peer is one of the {@link TrustedProxies} ({@code --trust-forwarded-for} with
 * {@code --trusted-proxy}) — the address {@code X-Forwarded-For} names, walked right to left.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class SourceAddressFilter implements ContainerRequestFilter {
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final TrustedProxies proxies;

    @Inject
    private Provider<HttpServletRequest> servletRequest;

    SourceAddressFilter(TrustedProxies proxies) {
        this.proxies = Objects.requireNonNull(proxies, "proxies");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String peer = servletRequest.get().getRemoteAddr();
        List<String> forwarded = proxies.any() ? request.getHeaders().get(FORWARDED_FOR) : null;
        request.setProperty(RequestFacts.SOURCE_IP, proxies.callerAddress(peer, forwarded));
    }
}
