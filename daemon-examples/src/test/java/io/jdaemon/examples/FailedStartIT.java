package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A start that fails makes the launcher exit non-zero with the reason on its stderr, and leaves
 * no process and no pidfile behind.
 */
class FailedStartIT extends WithExample {

    @Test
    void aServiceThatThrowsBeforeReadyFailsTheLauncher() {
        Example.Result r = example.run(example.daemonCommand("--fail-before-ready"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("daemon-examples: failed to start: "
                + "java.lang.IllegalStateException: failing before ready");
        assertThat(r.err()).contains("output in " + example.log);
        assertThat(Files.exists(example.pidFile)).isFalse();
        assertThat(example.processes()).isEmpty();
    }

    /**
     * What a failed start copies from the service's log to the terminal has its control
     * characters escaped: a title (OSC), a clear screen (CSI), a bell and a carriage return
     * faking a prompt arrive as text (issue 20, item 14).
     */
    @Test
    void theLogLinesOfAFailedStartReachTheTerminalEscaped() {
        String hostile = "\u001b]0;pwned\u0007\u001b[2J\u001b[H\rroot@host:~# \u009b31m";
        // the example prints an unknown argument to its log, and exits 2 before it is ready
        Example.Result r = example.run(example.daemonCommand(hostile));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("daemon-examples: unknown argument \\x1b]0;pwned\\x07\\x1b[2J\\x1b[H"
                + "\\rroot@host:~# \\u009b31m");
        assertThat(r.err() + r.out()).doesNotContain("\u001b").doesNotContain("\u0007")
                .doesNotContain("\r").doesNotContain("\u009b");
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void daemonFailedEndsAStartAtOnceThatTheJvmWouldOutlive() {
        // --start-timeout=600: without Daemon.failed the launcher would wait past Example.run's
        // bound (120 s), and the daemon's JVM would run on.
        Example.Result r = example.run(example.daemonCommand("--fail-via-api", "--start-timeout=600"));

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().findFirst()).hasValue("daemon-examples: failed to start: "
                + "java.lang.IllegalStateException: failing through Daemon.failed, as asked by --fail-via-api");
        assertThat(r.err()).doesNotContain("\tat ");
        Example.awaitTrue(() -> example.processes().isEmpty(), "the daemon's JVM to exit");
        assertThat(Files.exists(example.pidFile)).isFalse();
    }

    @Test
    void daemonFailedInTheForegroundExits1WithTheStackTrace() {
        Example.Result r = example.run(example.command("--port=0", "--fail-via-api"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("java.lang.IllegalStateException: failing through Daemon.failed")
                .contains("\tat io.jdaemon.examples.HealthService");
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aMissingPidFileDirectoryIsReportedBeforeAnythingStarts() {
        Path missing = dir.resolve("no-such-dir").resolve("x.pid");
        Example.Result r = example.run(example.command("--daemon", "--pidfile=" + missing));

        assertThat(r.exit()).isEqualTo(6);
        assertThat(r.err()).isEqualTo("daemon-examples: pidfile directory " + missing.getParent()
                + " does not exist; create it or choose another --pidfile\n");
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aMalformedFlagIsAUsageError() {
        Example.Result r = example.run(example.command("--daemon", "--umask=999"));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("daemon-examples: --umask=999 is not an octal mask; "
                + "use up to 3 octal digits, such as 022 or 027\n");
    }

    @Test
    void theMarkerSetByHandIsRefused() {
        List<String> cmd = new ArrayList<>(example.command("--port=0"));
        cmd.add(1, "-Djdaemon.launcher=" + dir.resolve("fake")); // a JVM option, before -jar
        Example.Result r = example.run(cmd);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("daemon-examples: no daemon launcher is waiting at ");
        assertThat(example.processes()).isEmpty();
    }
}
