package io.jdaemon.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Helidon SE 4 web server ({@code daemon-examples/helidon-sample}, a shaded jar) with
 * docs/FRAMEWORKS.md's recipe: on a taken port {@code start()} returns anyway, so the recipe
 * checks {@code isRunning()} and exits 1; the launcher's first line is Helidon's SEVERE line with
 * the root cause. Helidon 4 needs JDK 21: on an older JDK these tests are skipped, saying so.
 */
class HelidonIT extends FrameworkSampleIT {

    @Override
    SampleBuild build() throws Exception {
        return SampleBuild.requiringJdk(21, "helidon-sample");
    }

    @Override
    String name() {
        return "helidon-sample";
    }

    @Override
    List<String> arguments(int port, Path marker) throws IOException {
        return List.of("--port=" + port, "--stop-marker=" + marker);
    }

    @Override
    String conflictReason(int port) {
        return "SEVERE: Failed to start listener: /0.0.0.0:" + port + ": java.net.BindException: Address already in use"
                + " (the daemon exited before it was ready)";
    }

    @Override
    String stopMarkerText() {
        return "helidon stopped\n";
    }
}
