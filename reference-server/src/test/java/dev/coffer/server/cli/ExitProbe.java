package dev.coffer.server.cli;

/**
 * Runs {@link Coffer#main} with a shutdown hook that prints, on standard error, every JDK HTTP
 * client selector thread still alive when the JVM exits ({@code alive: <name>}): each one would hold
 * the exit for up to 300 ms. {@link ClientClassesTest} runs it in a child JVM.
 */
public final class ExitProbe {
    private ExitProbe() {}

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.isAlive() && thread.getName().endsWith("-SelectorManager")) {
                    System.err.println("alive: " + thread.getName());
                }
            }
        }, "exit-probe"));
        Coffer.main(args);
    }
}
