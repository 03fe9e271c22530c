package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What SIGHUP does to the daemon under each --sighup policy. */
class SighupPolicyIT extends WithExample {

    @Test
    void byDefaultSighupRunsTheShutdownHooksAndEndsTheDaemon() {
        long pid = example.startDaemon();
        assertThat(Proc.mask(new Proc(pid).status("SigIgn")) & 0x1).isZero();

        Example.signal(pid, "HUP");

        Example.awaitGone(pid);
        assertThat(example.logText()).contains("daemon-examples stopping");
        assertThat(Files.exists(example.pidFile)).isFalse();
    }

    @Test
    void ignoredSighupLeavesTheDaemonServing() {
        long pid = example.startDaemon("--sighup=ignore");
        int port = example.port();
        assertThat(Proc.mask(new Proc(pid).status("SigIgn")) & 0x1).isEqualTo(0x1);

        Example.signal(pid, "HUP");
        Example.signal(pid, "HUP");

        // The kernel discards a signal that is ignored when it is sent: nothing is pending.
        assertThat(Proc.mask(new Proc(pid).status("ShdPnd")) & 0x1).isZero();
        assertThat(Example.get(port, "/health")).isEqualTo("ok");
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(example.logText()).doesNotContain("stopping");
    }

    @Test
    void aLauncherStartedUnderNohupPassesTheIgnoredSighupOn() {
        List<String> cmd = new ArrayList<>(List.of("nohup"));
        cmd.addAll(example.daemonCommand());
        Example.Result r = example.run(cmd);
        assertThat(r.exit()).as(r.err()).isZero();
        long pid = r.startedPid();
        int port = example.port();
        assertThat(Proc.mask(new Proc(pid).status("SigIgn")) & 0x1).isEqualTo(0x1);

        Example.signal(pid, "HUP");

        assertThat(Example.get(port, "/health")).isEqualTo("ok");
        assertThat(new Proc(pid).alive()).isTrue();
    }

    /**
     * Under the default policy a SIGHUP before the daemon is ready ends it, as for any JVM, and
     * the launcher says SIGHUP was the cause (issue 20, item 21).
     */
    @Test
    void aStartEndedBySighupSaysSo() throws Exception {
        Process launcher = new ProcessBuilder(example.daemonCommand("--slow-start=60"))
                .directory(dir.toFile()).redirectOutput(dir.resolve("launcher.out").toFile())
                .redirectError(dir.resolve("launcher.err").toFile()).start();
        try {
            Example.awaitTrue(() -> Files.exists(example.pidFile) && example.pidFileContent().endsWith("\n"),
                    "the pidfile");
            Example.signal(Long.parseLong(example.pidFileContent().strip()), "HUP");
            assertThat(launcher.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            launcher.destroyForcibly();
        }
        assertThat(launcher.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("launcher.err"))).startsWith("daemon-examples: failed to start: "
                + "the daemon received SIGHUP before it was ready, which ends it under --sighup=default (a "
                + "terminal hangup, or a kill -HUP racing the start); use --sighup=reload or --sighup=ignore "
                + "to survive it");
        Example.awaitTrue(() -> example.processes().isEmpty(), "the daemon gone");
    }
}
