package dev.coffer.server.cli;

import dev.coffer.server.agent.AtomicFile;
import dev.coffer.server.k8s.Delivery;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.k8s.provide.PlannedSecret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coffer k8s}: a delivery spec to Kubernetes manifests. {@code validate} reads no value;
 * {@code generate} writes the manifests (values base64 in Secrets) to stdout or to files only the
 * owner can read; {@code apply} and {@code diff} stream them to {@code kubectl} on its stdin, so
 * values never touch the disk; {@code apply --dry-run} prints the plan with values masked.
 */
@Command(name = "k8s", description = {"Kubernetes delivery: a team's secrets declared once in a delivery spec, as correct manifests.",
        "validate reads no value; generate, apply and diff read the values through the spec's connectors."},
        footerHeading = Coffer.EXAMPLE,
        footer = {"  coffer k8s validate -f delivery.yaml", "  coffer k8s apply -f delivery.yaml --dry-run",
            "  coffer k8s apply -f delivery.yaml -- --context staging"},
        subcommands = {K8sCommand.Validate.class, K8sCommand.Generate.class, K8sCommand.Apply.class, K8sCommand.Diff.class})
final class K8sCommand implements Callable<Integer> {
    /** The variable naming the kubectl to run when {@code --kubectl} is not given. */
    static final String ENV_KUBECTL = "COFFER_KUBECTL";

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** {@code coffer k8s validate}: the spec, its conflicts and its workloads checked; no value read. */
    @Command(name = "validate", description = "Check the spec, conflicts, references and workload manifests; reads no value and contacts no server.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer k8s validate -f delivery.yaml")
    static final class Validate implements Callable<Integer> {
        @Mixin
        K8sOptions options;

        @Override
        public Integer call() {
            Delivery delivery = options.plan();
            PrintStream out = System.out;
            for (String note : delivery.notes()) {
                System.err.println("coffer: note: " + note);
            }
            List<PlannedSecret> secrets = delivery.layout().secrets();
            out.println(options.file + ": valid: " + delivery.spec().managers().size() + " manager(s), " + secrets.size()
                    + " Secret(s), " + delivery.spec().workloads().size() + " workload(s)");
            for (PlannedSecret s : secrets) {
                out.println("  " + s.key() + "  manager " + s.manager().name() + ", provider " + s.provider().id()
                        + ", keys " + s.fills().stream().map(f -> f.key()).distinct().toList());
            }
            for (HasMetadata o : delivery.workloads()) {
                out.println("  " + describe(o));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code coffer k8s generate}: the manifests, to stdout or files. */
    @Command(name = "generate", description = {"Print the manifests (Secrets with their values base64 under data, workloads injected).",
            "With -o <dir>: one file per object, readable by the owner only."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer k8s generate -f delivery.yaml > manifests.yaml", "  coffer k8s generate -f delivery.yaml -o out/"})
    static final class Generate implements Callable<Integer> {
        @Mixin
        K8sOptions options;

        @Option(names = {"-o", "--output-dir"}, paramLabel = "<dir>", description = "Write one file per object here (a new or empty directory, created 0700; files 0600) instead of stdout")
        Path dir;

        @Override
        public Integer call() throws IOException {
            Delivery delivery = options.plan();
            delivery.notes().forEach(note -> System.err.println("coffer: note: " + note));
            if (dir != null) {
                checkOutputDir(dir); // before any value is read
            }
            List<HasMetadata> objects = options.objects(delivery);
            if (dir == null) {
                System.out.print(Manifests.yaml(objects));
                System.out.flush();
                return ExitCodes.OK;
            }
            List<Path> written = write(dir, objects);
            long secrets = objects.stream().filter(o -> "Secret".equals(o.getKind())).count();
            System.out.println("wrote " + written.size() + " file(s) to " + dir);
            if (secrets > 0) {
                System.err.println("coffer: warning: " + secrets + " of them hold secret values (base64 is not encryption):"
                        + " keep " + dir + " out of version control and delete it when done, or use 'coffer k8s apply',"
                        + " which never writes values to disk");
            }
            return ExitCodes.OK;
        }

        /**
         * A directory given with {@code -o} must be new or empty: files of an earlier run (another
         * object count, a renamed Secret) would otherwise be applied along with these by
         * {@code kubectl apply -f <dir>}, and deleting files in a directory the user named is not ours to do.
         */
        private static void checkOutputDir(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            if (!Files.isDirectory(dir)) {
                throw new CliException(ExitCodes.USAGE, "-o " + dir + " exists and is not a directory");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new CliException(ExitCodes.USAGE, "-o " + dir + " is not empty: files left there would be applied with these by"
                            + " 'kubectl apply -f " + dir + "'; remove them, or give a new directory");
                }
            }
        }

        private static List<Path> write(Path dir, List<HasMetadata> objects) throws IOException {
            try {
                Files.createDirectories(dir.toAbsolutePath().getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw new CliException(ExitCodes.USAGE, "-o " + dir + " exists and is not a directory");
                }
            }
            List<Path> written = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                HasMetadata o = objects.get(i);
                String ns = o.getMetadata().getNamespace() == null ? "cluster" : o.getMetadata().getNamespace();
                // The index keeps the apply order when the directory is applied (kubectl sorts by name).
                Path file = dir.resolve(String.format(Locale.ROOT, "%03d-%s-%s-%s.yaml", i + 1,
                        o.getKind().toLowerCase(Locale.ROOT), ns, o.getMetadata().getName()));
                AtomicFile.write(file, Manifests.yaml(List.of(o)).getBytes(StandardCharsets.UTF_8),
                        PosixFilePermissions.fromString("rw-------"));
                written.add(file);
            }
            return written;
        }
    }

    /** {@code coffer k8s apply}: the manifests streamed to {@code kubectl apply -f -}. */
    @Command(name = "apply", description = {"Stream the manifests to 'kubectl apply -f -' (values never touch the disk).",
            "Arguments after -- go to kubectl. --dry-run prints the plan with values masked and runs nothing."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer k8s apply -f delivery.yaml --dry-run", "  coffer k8s apply -f delivery.yaml -- --context staging"})
    static final class Apply implements Callable<Integer> {
        @Mixin
        K8sOptions options;

        @Option(names = "--dry-run", description = "Print what would be applied, values masked; run nothing")
        boolean dryRun;

        @Mixin
        KubectlOptions kubectl;

        @Override
        public Integer call() {
            Delivery delivery = options.plan();
            delivery.notes().forEach(note -> System.err.println("coffer: note: " + note));
            List<HasMetadata> objects = options.objects(delivery);
            if (dryRun) {
                System.out.println("# coffer k8s apply --dry-run: " + objects.size() + " object(s); nothing was applied, values are masked");
                for (HasMetadata o : objects) {
                    System.out.println("#   " + describe(o));
                }
                System.out.print(Manifests.yaml(Delivery.masked(objects)));
                return ExitCodes.OK;
            }
            return kubectl.run(options, "apply", Manifests.yaml(objects));
        }
    }

    /** {@code coffer k8s diff}: {@code kubectl diff -f -} on the manifests (kubectl masks Secret values). */
    @Command(name = "diff", description = {"What apply would change: 'kubectl diff -f -' on the manifests (kubectl masks Secret data).",
            "Exit 0: no change; 1: changes; other: kubectl failed."},
            footerHeading = Coffer.EXAMPLE, footer = "  coffer k8s diff -f delivery.yaml -- --context staging")
    static final class Diff implements Callable<Integer> {
        @Mixin
        K8sOptions options;

        @Mixin
        KubectlOptions kubectl;

        @Override
        public Integer call() {
            Delivery delivery = options.plan();
            List<HasMetadata> objects = options.objects(delivery);
            return kubectl.run(options, "diff", Manifests.yaml(objects));
        }
    }

    /** What {@code apply} and {@code diff} take to run kubectl. */
    static final class KubectlOptions {
        @Option(names = "--kubectl", paramLabel = "<path>", description = "The kubectl to run (default: $" + ENV_KUBECTL + ", else kubectl on the PATH)")
        String kubectl;

        @Option(names = "--timeout", paramLabel = "<duration>", description = "How long kubectl may run (default 5m)", defaultValue = "5m")
        String timeout;

        @Parameters(paramLabel = "<kubectl args>", description = "Passed to kubectl after '<verb> -f -' (write them after --)")
        List<String> args = new ArrayList<>();

        int run(K8sOptions options, String verb, String manifests) {
            return options.kubectl(kubectl).run(verb, args, manifests, Kubectl.timeout(timeout));
        }
    }

    /** {@code Kind namespace/name} of an object. */
    static String describe(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getKind() + " " + (ns == null ? "" : ns + "/") + o.getMetadata().getName();
    }
}
