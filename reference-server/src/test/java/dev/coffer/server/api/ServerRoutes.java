package dev.coffer.server.api;

import jakarta.ws.rs.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Every route a JAX-RS application has, from Jersey's own resource model of each {@code @Path}
 * class it registers, as {@code "METHOD /shape"}: template variables become {@code {}}, and a
 * variable whose pattern spans a {@code /} (the name routes, {@code {name: [^/]+/.+}}) becomes
 * {@code {}/{}}, the {@code {environment}/{path}} the document shows.
 */
final class ServerRoutes {
    private ServerRoutes() {}

    static TreeSet<String> of(ResourceConfig application) {
        List<Class<?>> classes = new ArrayList<>();
        application.getInstances().forEach(o -> classes.add(o.getClass()));
        classes.addAll(application.getClasses());
        TreeSet<String> routes = new TreeSet<>();
        for (Class<?> type : classes) {
            if (type.isAnnotationPresent(Path.class)) {
                collect(Resource.from(type), "", routes);
            }
        }
        return routes;
    }

    private static void collect(Resource resource, String parent, TreeSet<String> routes) {
        String path = join(parent, resource.getPath());
        for (ResourceMethod method : resource.getResourceMethods()) {
            routes.add(method.getHttpMethod() + " " + shape(path));
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, routes);
        }
    }

    /** A document path ({@code /v1/secrets/{id}}) in the same shape. */
    static String documentShape(String route) {
        return route.replaceAll("\\{[^}/]+}", "{}");
    }

    private static String join(String parent, String path) {
        String p = path == null ? "" : path.replaceAll("^/+|/+$", "");
        return p.isEmpty() ? parent : parent + "/" + p;
    }

    // Walks the template with brace depth, since patterns hold braces of their own ({n: [0-9]{1,9}}).
    static String shape(String template) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int depth = 0;
            int end = i;
            for (; end < template.length(); end++) {
                if (template.charAt(end) == '{') {
                    depth++;
                } else if (template.charAt(end) == '}' && --depth == 0) {
                    break;
                }
            }
            String variable = template.substring(i + 1, end);
            int colon = variable.indexOf(':');
            String pattern = colon < 0 ? "" : variable.substring(colon + 1);
            // A '/' outside a character class ([^/] is one segment) lets the variable span segments.
            out.append(pattern.replaceAll("\\[[^\\]]*]", "").contains("/") ? "{}/{}" : "{}");
            i = end + 1;
        }
        return out.toString();
    }
}
