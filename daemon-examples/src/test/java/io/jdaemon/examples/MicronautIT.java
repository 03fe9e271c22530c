package io.jdaemon.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Micronaut 4 service ({@code daemon-examples/micronaut-sample}, a shaded jar) with
 * docs/FRAMEWORKS.md's recipe: ready on {@code ServerStartupEvent}. A taken port makes Micronaut
 * log its own ERROR line naming the port and exit 1: the launcher's first line is that line.
 */
class MicronautIT extends FrameworkSampleIT {

    @Override
    SampleBuild build() throws Exception {
        return SampleBuild.of("micronaut-sample");
    }

    @Override
    String name() {
        return "micronaut-sample";
    }

    @Override
    List<String> arguments(int port, Path marker) throws IOException {
        return List.of("-micronaut.server.port=" + (port == 0 ? -1 : port), "-sample.stop-marker=" + marker);
    }

    @Override
    String conflictReason(int port) {
        return "ERROR i.m.h.server.netty.NettyHttpServer - Unable to start server. Port *:" + port + " already in use."
                + " (the daemon exited before it was ready)";
    }

    @Override
    String stopMarkerText() {
        return "micronaut stopped\n";
    }
}
