package dev.coffer.server.liberty.sample;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The sample application of {@code LibertyConfigSourceIT}: an ordinary MicroProfile app reading a secret as config. */
@ApplicationPath("/")
public class SampleApplication extends Application {
}
