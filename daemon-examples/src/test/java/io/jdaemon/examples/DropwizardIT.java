package io.jdaemon.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Dropwizard 4 service ({@code daemon-examples/dropwizard-sample}, a shaded jar) with
 * docs/FRAMEWORKS.md's recipe, run as its users run it: {@code server config.yml}, a path
 * relative to the directory it is started in (the daemon's working directory by default). A taken port is logged
 * by Dropwizard under its own ERROR line; the launcher's first line is that line with the root
 * cause and the port.
 */
class DropwizardIT extends FrameworkSampleIT {

    /** Dropwizard's timestamp, in its ERROR line: any. */
    private static final String TIME = "TIME";

    @Override
    SampleBuild build() throws Exception {
        return SampleBuild.of("dropwizard-sample");
    }

    @Override
    String name() {
        return "dropwizard-sample";
    }

    @Override
    List<String> jvmOptions(int port, Path marker) {
        return List.of("-Dsample.stop-marker=" + marker);
    }

    @Override
    List<String> arguments(int port, Path marker) throws IOException {
        return List.of("server", config(port));
    }

    /** The first line with Dropwizard's timestamp replaced by {@link #TIME}. */
    @Override
    String firstLine(String line) {
        return line.replaceFirst("^(.*ERROR \\[)[-0-9 :,]+(\\])", "$1" + TIME + "$2");
    }

    @Override
    String conflictReason(int port) {
        return "ERROR [" + TIME + "] io.dropwizard.core.cli.ServerCommand: Unable to start server, "
                + "shutting down: java.net.BindException: Address already in use (port " + port + ")"
                + " (the daemon exited before it was ready)";
    }

    @Override
    String stopMarkerText() {
        return "dropwizard stopped\n";
    }

    /** Writes config.yml (one HTTP connector on {@code port}) and returns its relative path. */
    private String config(int port) throws IOException {
        java.nio.file.Files.writeString(dir.resolve("config.yml"), String.join("\n",
                "server:",
                "  type: simple",
                "  applicationContextPath: /",
                "  adminContextPath: /admin",
                "  connector:",
                "    type: http",
                "    port: " + port,
                ""));
        return "config.yml";
    }
}
