package dev.coffer.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Drives a window with wrk ({@code --latency}), under {@code bash -c 'wrk ...; times'} so that its CPU
 * time is known after it exits. The token never goes on wrk's command line (other users of the machine
 * see that): a Lua script in the run's private directory reads it from the token file; the same script
 * picks a random secret per request when the window has more than one.
 */
final class WrkDriver implements LoadDriver {
    private final Path wrk;
    private final Path dir;

    /**
     * @param wrk the wrk executable
     * @param dir the run's private directory (0700), where the scripts go
     */
    WrkDriver(Path wrk, Path dir) {
        this.wrk = wrk;
        this.dir = dir;
    }

    @Override
    public LoadResult run(LoadSpec spec) throws InterruptedException {
        Path script = null;
        try {
            script = Files.createTempFile(dir, "wrk", ".lua");
            Files.writeString(script, script(spec), StandardCharsets.UTF_8);
            long seconds = Math.max(1, spec.duration().toSeconds());
            int threads = Math.min(2, spec.connections());
            List<String> command = List.of("bash", "-c", "\"$0\" \"$@\"; status=$?; times; exit $status", wrk.toString(),
                    "-t" + threads, "-c" + spec.connections(), "-d" + seconds + "s", "--timeout", "10s", "--latency",
                    "-s", script.toString(), spec.base().toString());
            String out = ChildOutput.run(command, dir, Duration.ofSeconds(seconds + 60), Map.of());
            return WrkOutput.parse(out, spec.tokenFile() != null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the wrk script: " + e.getMessage(), e);
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException e) {
                    // Removed with the private directory at the end of the run.
                }
            }
        }
    }

    /** The Lua script: the token header from the file, and the route (fixed, or random among the secrets). */
    static String script(LoadSpec spec) {
        StringBuilder lua = new StringBuilder();
        if (spec.tokenFile() != null) {
            lua.append("local f = assert(io.open(").append(luaString(spec.tokenFile().toString())).append(", \"r\"))\n")
                    .append("local token = f:read(\"*a\"):gsub(\"%s+$\", \"\")\n")
                    .append("f:close()\n")
                    .append("wrk.headers[\"Authorization\"] = \"Bearer \" .. token\n");
        }
        if (spec.secrets() <= 1) {
            // A fixed path keeps wrk on its fast path (no Lua call per request).
            lua.append("wrk.path = \"").append(BenchSecrets.route(1)).append("\"\n");
        } else {
            lua.append("math.randomseed(os.time() + math.floor(os.clock() * 1000000))\n")
                    .append("request = function()\n")
                    .append("  return wrk.format(nil, string.format(\"").append(BenchSecrets.ROUTE_FORMAT).append("\", math.random(1, ")
                    .append(spec.secrets()).append(")))\n")
                    .append("end\n");
        }
        return lua.toString();
    }

    private static String luaString(String text) {
        if (text.contains("]==]")) {
            throw new IllegalStateException("the token file's path cannot be quoted for Lua: " + text);
        }
        return "[==[" + text + "]==]";
    }

    @Override
    public String description() {
        return "wrk " + wrk + " (its own latency histogram; CPU from bash's times)";
    }

    @Override
    public boolean inProcess() {
        return false;
    }
}
