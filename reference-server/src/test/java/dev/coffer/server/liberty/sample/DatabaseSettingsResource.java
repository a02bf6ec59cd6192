package dev.coffer.server.liberty.sample;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What an application does with Coffer's ConfigSource: inject {@code db.password} like any other
 * property. The {@code String} is fixed when the bean is made; the {@code Provider<String>} asks
 * the config (and so the ConfigSource's cache) every time. A real application would hand the value
 * to its pool, not print it; this sample shows it so the test can compare.
 */
@Path("db")
@ApplicationScoped
public class DatabaseSettingsResource {
    @Inject
    @ConfigProperty(name = "db.password")
    String passwordAtStartup;

    @Inject
    @ConfigProperty(name = "db.password")
    Provider<String> password;

    /** The value injected when the bean was created. */
    @GET
    @Path("injected")
    @Produces(MediaType.TEXT_PLAIN)
    public String injected() {
        return passwordAtStartup;
    }

    /** The value the config has now. */
    @GET
    @Path("current")
    @Produces(MediaType.TEXT_PLAIN)
    public String current() {
        return password.get();
    }
}
