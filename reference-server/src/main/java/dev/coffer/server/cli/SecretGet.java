package dev.coffer.server.cli;

import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.VersionSelector;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code coffer secret get}: prints a value alone. Under a break-glass grant the same command reads
 * what no policy allows; the server records it as {@code BREAK_GLASS_READ} with the grant's reason and
 * ticket, and {@code --reason} / {@code --ticket} go with the read for policies that require a ticket.
 */
@Command(name = "get", description = {"Print a value alone on standard output (no trailing newline unless it is a terminal).",
    "Reads under an active break-glass grant too (see 'coffer break-glass grant'); pass --ticket where a policy requires one."},
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret get prod/db/password", "  coffer secret get prod/db/password --alias previous",
            "  coffer secret get prod/db/password --reason 'INC-42 outage' --ticket https://tickets.example/INC-42"})
final class SecretGet implements Callable<Integer> {
    // Declared here: this command's --version takes a number, so the inherited standard help options
    // (-h and -V/--version together) are not mixed in.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "<environment>/<path>", description = "The secret to read")
    String name;

    @ArgGroup(exclusive = true)
    Selector selector;

    static final class Selector {
        @Option(names = "--alias", paramLabel = "<alias>", description = "Read the version this alias points at (default current)")
        String alias;

        @Option(names = "--version", paramLabel = "<n>", description = "Read this version number")
        Integer version;
    }

    @Override
    public Integer call() throws IOException {
        SecretArg ref = SecretArg.parse(name);
        if (ref.isId()) {
            throw new CliException(ExitCodes.USAGE, "reading needs the name <environment>/<path>, not an id");
        }
        VersionSelector which = selector == null ? VersionSelector.current()
                : selector.version != null ? VersionSelector.number(selector.version) : VersionSelector.alias(selector.alias);
        Session s = options.session();
        PrintStream out = System.out;
        try (SecretContent content = s.call((api, ctx) -> api.read(ctx, ref.path(s), which))) {
            byte[] bytes = content.value().bytes();
            try {
                if (options.out().json()) {
                    out.println(Output.pretty(valueBody(content, bytes)));
                } else {
                    out.write(bytes);
                    if (System.console() != null) {
                        out.println(); // keep a terminal's prompt off the value; pipes get the bytes alone
                    }
                }
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The body of the REST read ({@code SecretValueBody}): {@code value} for UTF-8 text, else {@code valueBase64}. */
    private static jakarta.json.JsonObject valueBody(SecretContent content, byte[] bytes) {
        JsonObjectBuilder o = Json.createObjectBuilder().add("path", content.path().qualifiedName())
                .add("version", content.version());
        String text = utf8(bytes);
        if (text != null) {
            o.add("value", text);
        } else {
            o.add("valueBase64", Base64.getEncoder().encodeToString(bytes));
        }
        if (content.expiresAt() != null) {
            o.add("expiresAt", content.expiresAt().toString());
        }
        return o.build();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
