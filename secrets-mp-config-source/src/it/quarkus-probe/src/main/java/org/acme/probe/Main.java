package org.acme.probe;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/** Prints whether {@code db.password} is configured and equals the canary; never the value. */
@QuarkusMain
public class Main implements QuarkusApplication {
    @Override
    public int run(String... args) {
        Optional<String> value = ConfigProvider.getConfig().getOptionalValue("db.password", String.class);
        System.out.println("PROBE present=" + value.isPresent() + " matches=" + value.map(v -> v.equals(System.getenv("COFFER_PROBE_CANARY"))).orElse(false));
        return 0;
    }
}
