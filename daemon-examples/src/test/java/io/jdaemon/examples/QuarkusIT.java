package io.jdaemon.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Quarkus 3 service ({@code daemon-examples/quarkus-sample}, Quarkus's default fast-jar
 * {@code quarkus-app/quarkus-run.jar}) with docs/FRAMEWORKS.md's recipe: ready from
 * {@code QuarkusApplication.run()}, after the HTTP server opened its socket ({@code StartupEvent}
 * comes before, so with it a taken port still said {@code started}). Quarkus logs its own ERROR
 * line naming the port and exits 1: the launcher's first line is that line.
 */
class QuarkusIT extends FrameworkSampleIT {

    @Override
    SampleBuild build() throws Exception {
        return SampleBuild.of("quarkus-sample", "quarkus-app/quarkus-run.jar");
    }

    @Override
    String name() {
        return "quarkus-sample"; // the application, from quarkus-run.jar's manifest
    }

    @Override
    List<String> jvmOptions(int port, Path marker) {
        return List.of("-Dquarkus.http.port=" + port, "-Dsample.stop-marker=" + marker);
    }

    @Override
    List<String> arguments(int port, Path marker) throws IOException {
        return List.of();
    }

    @Override
    String conflictReason(int port) {
        return "ERROR [io.quarkus.runtime.Application] (main) Port " + port + " seems to be in use by "
                + "another process. Quarkus may already be running or the port is used by another application."
                + " (the daemon exited before it was ready)";
    }

    @Override
    String stopMarkerText() {
        return "quarkus stopped\n";
    }

}
