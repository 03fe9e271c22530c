package io.jdaemon.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An embedded Tomcat 11 service ({@code daemon-examples/tomcat-sample}, a shaded jar) with
 * docs/FRAMEWORKS.md's recipe: {@code connector.setThrowOnFailure(true)} makes a taken port throw
 * from {@code start()} (without it Tomcat only logs it, and the launcher said {@code started});
 * the exception's root cause names no port, the launcher adds the one Tomcat's log named.
 */
class TomcatIT extends FrameworkSampleIT {

    @Override
    SampleBuild build() throws Exception {
        return SampleBuild.of("tomcat-sample");
    }

    @Override
    String name() {
        return "tomcat-sample";
    }

    @Override
    List<String> arguments(int port, Path marker) throws IOException {
        return List.of("--port=" + port, "--stop-marker=" + marker);
    }

    @Override
    String conflictReason(int port) {
        return "java.net.BindException: Address already in use (port " + port + ")";
    }

    @Override
    String stopMarkerText() {
        return "tomcat stopped\n";
    }
}
