package io.jdaemon.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Vert.x 5 service ({@code daemon-examples/vertx-sample}, a shaded jar) with
 * docs/FRAMEWORKS.md's recipe: a failed {@code listen} leaves Vert.x's threads, and so the JVM,
 * running; the recipe reports it with {@code Daemon.failed}, and the launcher exits 1 at once
 * (the test starts it with {@code --start-timeout=600}, beyond {@link Example#run}'s bound).
 */
class VertxIT extends FrameworkSampleIT {

    @Override
    SampleBuild build() throws Exception {
        return SampleBuild.of("vertx-sample");
    }

    @Override
    String name() {
        return "vertx-sample";
    }

    @Override
    List<String> arguments(int port, Path marker) throws IOException {
        return List.of("--port=" + port, "--stop-marker=" + marker, "--start-timeout=600");
    }

    @Override
    String conflictReason(int port) {
        return "java.net.BindException: Address already in use (port " + port + ")";
    }

    @Override
    String stopMarkerText() {
        return "vertx closed\n";
    }
}
