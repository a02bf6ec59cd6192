package dev.coffer.server.agent;

import dev.coffer.config.settings.SecretMapping;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One file the agent keeps rendered ({@code templates[i]} in the config).
 *
 * @param key how messages name it, {@code templates[0]}
 * @param destination the file written
 * @param permissions its permissions, set at creation and on every rewrite (default 0600)
 * @param format how the values become bytes
 * @param secrets name (as the format writes it) to the secret it reads; {@link Format#RAW} has one, named {@code secret}
 * @param template the Mustache text for {@link Format#TEMPLATE} (inline or read from template-file), else null
 * @param command run when the content changed or was revoked, or empty
 * @param commandTimeout how long the command may run before it is killed
 * @param signal sent when the content changed or was revoked, or null
 * @param onRevoke what happens to the file when a secret is no longer served
 */
public record TemplateSpec(String key, Path destination, Set<PosixFilePermission> permissions, Format format,
        Map<String, SecretMapping> secrets, String template, List<String> command, Duration commandTimeout,
        SignalSpec signal, OnRevoke onRevoke) {
    public TemplateSpec {
        permissions = Set.copyOf(permissions);
        secrets = Map.copyOf(secrets);
        command = List.copyOf(command);
    }

    /** {@code templates[0] (/etc/app/db.properties)}: how logs and messages name it. */
    public String describe() {
        return key + " (" + destination + ")";
    }

    @Override
    public String toString() {
        return "TemplateSpec[" + describe() + ", " + format.word() + "]";
    }
}
