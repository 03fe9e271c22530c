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
}
