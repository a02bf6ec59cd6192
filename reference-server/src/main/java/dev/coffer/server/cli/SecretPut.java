package dev.coffer.server.cli;

import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretVersion;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer secret put}: adds a version from standard input or a file. */
@Command(name = "put", description = "Add a version. The value comes from standard input or --file, never from the command line.",
        footerHeading = Coffer.EXAMPLE, footer = {"  printf 's3cr3t' | coffer secret put prod/db/password", "  coffer secret put prod/db/password --file password.txt --pending"})
final class SecretPut implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = SecretCommand.NAME_LABEL, description = SecretCommand.NAME_DESCRIPTION)
    String name;

    @Option(names = "--file", paramLabel = "<file>", description = "Read the value from this file (bytes as they are)")
    Path file;

    @Option(names = "--pending", description = "Stage the version as PENDING (promote it later) instead of making it CURRENT")
    boolean pending;

    @Option(names = "--keep-newline", description = "Keep a trailing newline read from standard input")
    boolean keepNewline;

    @Option(names = "--allow-empty", description = "Store an empty value (refused by default: an empty input is usually a mistake)")
    boolean allowEmpty;

    @Override
    public Integer call() {
        // Name and value are checked before any request, so a bad one changes nothing anywhere.
        SecretArg ref = SecretArg.parse(name);
        SecretVersion version;
        try (SecretValue value = SecretValue.wrap(ValueInput.read(file, keepNewline, allowEmpty))) {
            Session s = options.session();
            SecretRef id = ref.ref(s);
            NewVersion request = pending ? NewVersion.pending(value) : NewVersion.current(value);
            version = s.call((api, ctx) -> api.addVersion(ctx, id, request));
        }
        options.out().print(JsonViews.version(version), name + " version " + version.number() + " " + version.status());
        return ExitCodes.OK;
    }
}
