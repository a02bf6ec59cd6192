package dev.coffer.server.liberty.sample;

import dev.coffer.config.CofferConfigSource;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * What an application on an application server does with the Coffer ConfigSource: stops it as the
 * application stops. Liberty does not close config sources, and an open one keeps refreshing after
 * the application is gone, loading classes from its deleted jars ({@code CWWKL0002E}).
 */
@WebListener
public class ClosesConfigSources implements ServletContextListener {
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        CofferConfigSource.closeAll();
    }
}
