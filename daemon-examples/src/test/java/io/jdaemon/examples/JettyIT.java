package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An embedded Jetty 12 service with docs/FRAMEWORKS.md's recipe (the project in
 * {@code daemon-examples/jetty-sample}, one shaded jar with {@code Enable-Native-Access} in its
 * manifest), started as a user would: ready once {@code server.start()} returned, a bind failure
 * reported on the launcher's first line, and Jetty's own stop (its shutdown hook) on
 * {@code --daemon=stop}.
 */
class JettyIT extends WithExample {

    private static final Pattern PORT = Pattern.compile("jetty-sample listening on port (\\d+)");
    private static SampleBuild sample;

    @BeforeAll
    static void buildTheSample() throws Exception {
        sample = SampleBuild.of("jetty-sample");
    }

    private List<String> daemon(String port) {
        return sample.command(example, "--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--port=" + port, "--stop-marker=" + dir.resolve("stopped"));
    }

    @Test
    void servesWhenStartedAndStopsThroughJettysHook() throws IOException {
        Example.Result start = example.run(daemon("0"));
        assertThat(start.exit()).as(start.err()).isZero();
        long pid = start.startedPid();
        assertThat(start.out()).isEqualTo("jetty-sample started, pid " + pid + "\n");
        Matcher m = PORT.matcher(example.logText());
        assertThat(m.find()).as("port in %s", example.logText()).isTrue();
        assertThat(Example.get(Integer.parseInt(m.group(1)), "/")).isEqualTo("ok");

        Example.Result stop = example.run(sample.command(example, "--daemon=stop",
                "--pidfile=" + example.pidFile));
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.readString(dir.resolve("stopped"), StandardCharsets.UTF_8)).isEqualTo("jetty stopped\n");
        assertThat(example.pidFile).doesNotExist();
    }

    @Test
    void aPortConflictIsReportedFirst() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Example.Result r = example.run(daemon(Integer.toString(taken.getLocalPort())));
            assertThat(r.exit()).isEqualTo(1);
            // The root cause, with the port Jetty's exception named.
            assertThat(r.err().lines().findFirst()).hasValue("jetty-sample: failed to start: "
                    + "java.net.BindException: Address already in use (port " + taken.getLocalPort() + ")");
            assertThat(r.err()).doesNotContain("\tat ");
            assertThat(example.pidFile).doesNotExist();
            Example.awaitTrue(() -> example.processes().isEmpty(), "no process left");
        }
    }

    @Test
    void theShadedManifestAllowsNativeAccess() throws IOException {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(sample.jar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"))
                    .isEqualTo("ALL-UNNAMED");
        }
    }
}
