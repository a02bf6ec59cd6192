package dev.coffer.server.k8s.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** One object of a workload, its id ({@code deployment/web}) and what has been injected into it. */
final class Resource {
    final String id;
    final HasMetadata object;
    final boolean generated;
    final Set<String> injected = new LinkedHashSet<>();

    Resource(HasMetadata object, boolean generated) {
        this.object = object;
        this.generated = generated;
        this.id = object.getKind().toLowerCase(Locale.ROOT) + "/" + object.getMetadata().getName();
    }

    /** The namespace the object runs in: its own, else {@code default} (as kubectl applies it without -n). */
    String namespace() {
        String ns = object.getMetadata().getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }

    /** Whether secrets can be injected: it has a pod template. */
    boolean injectable() {
        return object instanceof Deployment || object instanceof StatefulSet || object instanceof DaemonSet
                || object instanceof Job || object instanceof CronJob;
    }

    /** The pod template's spec, or null when the manifest has none written. */
    PodSpec podSpec() {
        PodTemplateSpec template = null;
        if (object instanceof Deployment d && d.getSpec() != null) {
            template = d.getSpec().getTemplate();
        } else if (object instanceof StatefulSet s && s.getSpec() != null) {
            template = s.getSpec().getTemplate();
        } else if (object instanceof DaemonSet d && d.getSpec() != null) {
            template = d.getSpec().getTemplate();
        } else if (object instanceof Job j && j.getSpec() != null) {
            template = j.getSpec().getTemplate();
        } else if (object instanceof CronJob c && c.getSpec() != null && c.getSpec().getJobTemplate() != null
                && c.getSpec().getJobTemplate().getSpec() != null) {
            template = c.getSpec().getJobTemplate().getSpec().getTemplate();
        }
        return template == null ? null : template.getSpec();
    }

    /** Where the pod template is, for messages. */
    String templatePath() {
        return object instanceof CronJob ? "spec.jobTemplate.spec.template" : "spec.template";
    }
}
