package dev.coffer.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coffer agent}: renders secrets into files (see {@link dev.coffer.server.agent}). With
 * {@code --once} it renders every template and exits (an init container); otherwise it keeps the
 * files current until SIGTERM.
 */
@Command(name = "agent", description = "Render secrets into files (sidecar or, with --once, init container).",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer agent --config /etc/coffer/agent.yaml",
            "  coffer agent --config /etc/coffer/agent.yaml --once --deadline 60s"})
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML configuration")
    Path config;

    @Option(names = "--once", description = "Render every template, then exit: 0 when all were rendered")
    boolean once;

    @Option(names = "--deadline", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long the first read of the secrets may retry a transient outage (default 60s); a refusal fails at once")
    String deadline;

    @Override
    public Integer call() throws Exception {
        return Start.run(this);
    }

    /** Everything that touches the agent's classes, kept out of the command's signature (see ClientClassesTest). */
    private static final class Start {
        private Start() {}

        static int run(AgentCommand flags) throws Exception {
            java.time.Duration deadline;
            try {
                deadline = dev.coffer.spi.internal.Durations.parse("--deadline", flags.deadline);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            dev.coffer.server.agent.AgentConfig config;
            try {
                config = dev.coffer.server.agent.AgentConfigLoader.load(flags.config);
            } catch (dev.coffer.server.agent.AgentConfigException e) {
                throw new CliException(ExitCodes.INVALID, e.getMessage());
            }
            dev.coffer.server.agent.Agent agent;
            try {
                agent = dev.coffer.server.agent.Agent.start(config, deadline);
            } catch (dev.coffer.server.agent.AgentStartException e) {
                throw new CliException(ExitCodes.forStatus(e.code().httpStatus()), "agent: " + e.getMessage());
            }
            if (flags.once) {
                try (agent) {
                    agent.renderAll();
                    if (!agent.healthy()) {
                        StringBuilder why = new StringBuilder("agent: not every template was rendered:");
                        agent.statuses().stream().filter(s -> s.state() != dev.coffer.server.agent.TemplateState.RENDERED)
                                .forEach(s -> why.append(" template ").append(s.destination()).append(": ").append(s.state().word())
                                        .append(s.reason() == null ? "" : " (" + s.reason() + ")").append(';'));
                        throw new CliException(ExitCodes.UNAVAILABLE, why.substring(0, why.length() - 1));
                    }
                    System.err.println("coffer agent: rendered " + config.templates().size() + " template(s)");
                    return ExitCodes.OK;
                }
            }
            try {
                return dev.coffer.server.agent.AgentRun.untilStopped(agent);
            } catch (java.io.IOException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "agent: " + e.getMessage());
            }
        }
    }
}
