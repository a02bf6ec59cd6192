package dev.coffer.server.cli;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.SecretContent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The variables of an environment whose value is a secret reference
 * {@code coffer://<environment>/<path>[#alias|@version]} (the part after {@code coffer://} is
 * written as in a {@code coffer.map.*} line, see {@link SecretMapping}), and their resolution.
 *
 * <pre>{@code
 * EnvReferences refs = EnvReferences.find(env);        // parses, bounded, nothing read yet
 * Map<String, String> values = refs.resolve(api, ctx);  // reads each secret once, all or nothing
 * }</pre>
 *
 * Every message names the variable and the reference, never a value.
 */
final class EnvReferences {
    /** What makes a value a reference. */
    static final String SCHEME = "coffer://";
    /** How many variables may hold references. */
    static final int MAX_REFERENCES = 256;
    /** How many reads run at once. */
    static final int CONCURRENCY = 8;

    /** By variable name, sorted (so errors come in a stable order). */
    private final Map<String, SecretMapping> byVariable;

    private EnvReferences(Map<String, SecretMapping> byVariable) {
        this.byVariable = byVariable;
    }

    /**
     * The references among {@code env}'s values.
     *
     * @throws CliException {@code INVALID} naming every malformed reference, or when more than
     *     {@link #MAX_REFERENCES} variables hold one
     */
    static EnvReferences find(Map<String, String> env) {
        Map<String, SecretMapping> refs = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        int count = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            String value = e.getValue();
            if (value == null || !value.startsWith(SCHEME)) {
                continue;
            }
            if (++count > MAX_REFERENCES) {
                throw new CliException(ExitCodes.INVALID, "INVALID_ARGUMENT: more than " + MAX_REFERENCES
                        + " variables hold a " + SCHEME + " reference");
            }
            String variable = e.getKey();
            String where = "variable " + variable + "='" + dev.coffer.spi.internal.Messages.printable(value) + "'";
            try {
                refs.put(variable, SecretMapping.reference(variable, where, value.substring(SCHEME.length())));
            } catch (IllegalArgumentException ex) {
                errors.add(ex.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(null);
            throw new CliException(ExitCodes.INVALID, "INVALID_ARGUMENT: " + String.join("; ", errors.subList(0, Math.min(errors.size(), 10)))
                    + (errors.size() > 10 ? "; and " + (errors.size() - 10) + " more" : ""));
        }
        return new EnvReferences(refs);
    }

    /** Whether no variable holds a reference. */
    boolean isEmpty() {
        return byVariable.isEmpty();
    }

    /** The variables that hold references, sorted. */
    java.util.Set<String> variables() {
        return byVariable.keySet();
    }

    /**
     * Reads every referenced secret (each distinct reference once, {@link #CONCURRENCY} at a time)
     * and returns the values by variable. All or nothing: when any read fails, none is returned.
     *
     * @throws CliException naming each variable and reference that failed, with the code the
     *     server gave; the exit code is that of the first failure (by variable name)
     */
    Map<String, String> resolve(SecretManager api, AccessContext ctx) {
        Map<String, SecretMapping> distinct = new LinkedHashMap<>();
        byVariable.values().forEach(m -> distinct.putIfAbsent(m.target(), m));
        Map<String, Future<String>> reads = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(CONCURRENCY, distinct.size())), r -> {
            Thread t = new Thread(r, "coffer-run-resolve");
            t.setDaemon(true);
            return t;
        });
        try {
            distinct.forEach((target, m) -> reads.put(target, pool.submit(() -> read(api, ctx, m))));
            Map<String, String> values = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            int exit = ExitCodes.OK;
            for (Map.Entry<String, SecretMapping> e : byVariable.entrySet()) {
                String variable = e.getKey();
                SecretMapping m = e.getValue();
                try {
                    values.put(variable, reads.get(m.target()).get());
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    String why;
                    int code;
                    if (cause instanceof SecretsException s) {
                        why = s.code() + ": " + s.getMessage();
                        code = ExitCodes.forStatus(s.code().httpStatus());
                    } else if (cause instanceof CliException c) {
                        why = c.getMessage();
                        code = c.exitCode();
                    } else {
                        why = "unexpected " + cause.getClass().getSimpleName();
                        code = ExitCodes.INTERNAL;
                    }
                    failures.add("variable " + variable + " (" + SCHEME + m.target() + "): " + why);
                    exit = exit == ExitCodes.OK ? code : exit;
                }
            }
            if (!failures.isEmpty()) {
                values.clear();
                throw new CliException(exit, failures.size() + " of " + byVariable.size() + " reference(s) cannot be resolved"
                        + " [request " + ctx.requestId() + "]; the command was not started: " + String.join("; ", failures));
            }
            return values;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERNAL, "interrupted while resolving references; the command was not started");
        } finally {
            pool.shutdownNow();
        }
    }

    /** One secret's value as text fit for an environment variable. */
    private static String read(SecretManager api, AccessContext ctx, SecretMapping m) {
        try (SecretContent content = api.read(ctx, m.secretPath(ctx.tenant()), m.selector())) {
            byte[] bytes = content.value().bytes();
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                if (text.indexOf('\0') >= 0) {
                    throw new CliException(ExitCodes.INVALID, "the value holds a NUL character, which no environment variable can");
                }
                return text;
            } catch (CharacterCodingException e) {
                throw new CliException(ExitCodes.INVALID, "the value is not UTF-8 text, which an environment variable must be");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }
}
