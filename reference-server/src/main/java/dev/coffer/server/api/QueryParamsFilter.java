package dev.coffer.server.api;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Refuses query parameters the matched resource method does not declare, as unknown body fields
 * are refused: {@code ?tag=tier} on a list is a 400 {@code INVALID_ARGUMENT}, not a filter
 * silently ignored. The accepted names are the method's {@link QueryParam} parameters, so a route
 * declares them once, in its signature. The detail names the parameter only when it looks like a
 * parameter name (short, letters and digits), like a JSON field name; anything else is not echoed.
 * Requests the runtime answers itself (an automatic {@code OPTIONS}) have no resource method and
 * pass.
 */
@Provider
@Priority(Priorities.USER)
public final class QueryParamsFilter implements ContainerRequestFilter {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}");
    private final ConcurrentMap<Method, Set<String>> accepted = new ConcurrentHashMap<>();

    @Context
    private ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Set<String> names = accepted.computeIfAbsent(method, QueryParamsFilter::declared);
        for (String name : request.getUriInfo().getQueryParameters().keySet()) {
            if (!names.contains(name)) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, (NAME.matcher(name).matches()
                        ? "unknown query parameter '" + name + "'" : "unknown query parameter")
                        + (names.isEmpty() ? "; this route takes none" : "; this route takes " + names));
            }
        }
    }

    private static Set<String> declared(Method method) {
        java.util.SortedSet<String> names = new TreeSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (annotation instanceof QueryParam query) {
                    names.add(query.value());
                }
            }
        }
        return java.util.Collections.unmodifiableSortedSet(names);
    }
}
