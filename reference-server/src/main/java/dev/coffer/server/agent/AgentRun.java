package dev.coffer.server.agent;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The long-running agent: renders now, then on every cache change and every ttl, serves
 * {@code /health} and {@code /metrics} when {@code listen} is set, and stops cleanly on SIGTERM
 * (a shutdown hook closes the endpoints, the loop and the cache; files stay).
 */
public final class AgentRun {
    private AgentRun() {}

    /**
     * Runs {@code agent} until the JVM is asked to stop.
     *
     * @return the exit code (0)
     * @throws IOException when {@code listen} cannot be bound
     */
    public static int untilStopped(Agent agent) throws IOException, InterruptedException {
        AgentEndpoints endpoints = start(agent);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(agent, endpoints);
            // Not through java.util.logging: its own shutdown hook may have closed the handlers already.
            System.err.println("coffer agent: stopped");
            stopped.countDown();
        }, "coffer-agent-shutdown"));
        stopped.await();
        return 0;
    }

    /** Renders, starts the background loop and the endpoints (null without {@code listen}). */
    public static AgentEndpoints start(Agent agent) throws IOException {
        agent.renderAll();
        agent.runInBackground();
        Listen listen = agent.config().listen();
        if (listen == null) {
            return null;
        }
        AgentEndpoints endpoints;
        try {
            endpoints = AgentEndpoints.start(agent, listen);
        } catch (IOException e) {
            agent.close();
            throw new IOException("cannot listen on " + listen.host() + ":" + listen.port() + " (" + e.getClass().getSimpleName() + ")", null);
        }
        // Printed so a caller that asked for port 0 learns which one.
        System.err.println("coffer agent: /health and /metrics on http://" + listen.host() + ":" + endpoints.port() + "/");
        return endpoints;
    }

    /** Closes the endpoints, then the agent. */
    public static void stop(Agent agent, AgentEndpoints endpoints) {
        if (endpoints != null) {
            endpoints.close();
        }
        agent.close();
    }
}
