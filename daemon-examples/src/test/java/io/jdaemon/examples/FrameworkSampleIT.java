package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every framework sample with docs/FRAMEWORKS.md's recipe must show, started as its user
 * would start it ({@code java -jar SAMPLE.jar --daemon ...}): {@code --daemon} returns 0 only once
 * an HTTP request is answered; with its port taken it exits 1, leaving nothing behind, and its
 * first line names the cause, with a few lines of log under it and no stack frames; {@code stop}
 * runs the framework's graceful shutdown (each sample writes a marker from the framework's own
 * stop hook); {@code reload} runs the sample's reload callback and the service goes on. Each
 * sample prints {@code NAME listening on port N} before it calls {@code Daemon.ready()} and
 * answers {@code ok} on {@code GET /}.
 */
abstract class FrameworkSampleIT extends WithExample {

    private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");

    SampleBuild sample;

    /** The sample, built (once for all samples) by {@link SampleBuild}. */
    abstract SampleBuild build() throws Exception;

    /** The name the launcher gives the sample (its jar's name, or Quarkus's application's). */
    abstract String name();

    /** JVM options that make the sample listen on {@code port} and write {@code marker} on stop. */
    List<String> jvmOptions(int port, Path marker) {
        return List.of();
    }

    /** The sample's own arguments for {@code port} and {@code marker}. */
    abstract List<String> arguments(int port, Path marker) throws IOException;

    /** The launcher's reason for a start on the taken {@code port}. */
    abstract String conflictReason(int port);

    /** The launcher's first line as compared: as it is, unless a sample must hide a timestamp. */
    String firstLine(String line) {
        return line;
    }

    /** What the sample's stop hook writes to the marker. */
    abstract String stopMarkerText();

    @BeforeEach
    void buildTheSample() throws Exception {
        sample = build();
    }

    private Path marker() {
        return dir.resolve("stopped");
    }

    private List<String> daemon(int port, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log));
        args.addAll(arguments(port, marker()));
        args.addAll(List.of(more));
        return sample.commandWithJvmOptions(example, jvmOptions(port, marker()), args.toArray(String[]::new));
    }

    private Example.Result control(String action) {
        return example.run(sample.commandWithJvmOptions(example, jvmOptions(0, marker()),
                "--daemon=" + action, "--pidfile=" + example.pidFile));
    }

    private int port() {
        Matcher m = PORT.matcher(example.logText());
        assertThat(m.find()).as("the port in %s", example.logText()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private long start(String... more) throws IOException {
        Example.Result r = example.run(daemon(0, more));
        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        long pid = r.startedPid();
        assertThat(r.out()).isEqualTo(name() + " started, pid " + pid + "\n");
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        return pid;
    }

    @Test
    void theLauncherReturnsOnlyOnceItServes() throws IOException {
        start();
        // Right after the launcher returned, with no wait of the test's own:
        assertThat(Example.get(port(), "/")).isEqualTo("ok");
    }

    @Test
    void aTakenPortExits1WithTheCauseFirst() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Example.Result r = example.run(daemon(port));

            assertThat(r.exit()).as(r.err()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().findFirst().map(this::firstLine))
                    .hasValue(name() + ": failed to start: " + conflictReason(port));
            assertThat(r.err().lines()).as(r.err()).noneMatch(line -> line.trim().startsWith("at "))
                    .hasSizeLessThanOrEqualTo(10);
            assertThat(example.pidFile).doesNotExist();
            Example.awaitTrue(() -> example.processes().isEmpty(), "no process left");
        }
    }

    @Test
    void stopRunsTheFrameworksGracefulShutdown() throws IOException {
        long pid = start();

        Example.Result stop = control("stop");

        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo(name() + " stopped, pid " + pid + "\n");
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.readString(marker(), StandardCharsets.UTF_8)).isEqualTo(stopMarkerText());
        assertThat(example.pidFile).doesNotExist();
    }

    @Test
    void reloadRunsTheCallbackAndTheServiceGoesOn() throws IOException {
        long pid = start("--sighup=reload");

        Example.Result reload = control("reload");

        assertThat(reload.exit()).as(reload.err()).isZero();
        Example.awaitTrue(() -> example.logText().contains(sampleName() + " reloaded"), "the reload");
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(Example.get(port(), "/")).isEqualTo("ok");
    }

    /** The sample's project name, which its reload line starts with. */
    String sampleName() {
        return name();
    }
}
