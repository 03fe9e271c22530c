package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Under systemd's {@code Type=notify} ({@code NOTIFY_SOCKET} set) the service stays in the
 * foreground even with {@code --daemon} and speaks sd_notify: the test plays systemd with its own
 * datagram socket and checks every message's sender PID as the kernel reports it.
 */
class SystemdNotifyIT extends WithExample {

    Process service;

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.destroyForcibly();
        }
    }

    private Process start(String notifySocket, String watchdogUsec, String... more) throws IOException {
        List<String> cmd = example.daemonCommand(more);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("NOTIFY_SOCKET", notifySocket);
        if (watchdogUsec != null) {
            pb.environment().put("WATCHDOG_USEC", watchdogUsec);
        }
        service = pb.start();
        return service;
    }

    @Test
    void readyReloadStatusAndStopFromTheServiceItself() throws Exception {
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            Process p = start(systemd.address, null, "--sighup=reload");

            NotifyListener.Message ready = systemd.await("READY=1");
            assertThat(ready.text()).isEqualTo("READY=1\nMAINPID=" + p.pid());
            assertThat(ready.senderPid()).isEqualTo(p.pid());
            assertThat(p.isAlive()).as("stayed in the foreground: no fork").isTrue();
            assertThat(example.pidFileContent()).isEqualTo(p.pid() + "\n");
            assertThat(java.nio.file.Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8))
                    .contains("daemon-examples: NOTIFY_SOCKET is set (systemd Type=notify): staying in "
                            + "the foreground");
            NotifyListener.Message status = systemd.await("STATUS=");
            assertThat(status.text()).matches("STATUS=serving on port [0-9]+");

            Example.signal(p.pid(), "HUP");
            NotifyListener.Message reloading = systemd.await("RELOADING=1");
            assertThat(reloading.text()).matches("RELOADING=1\nMONOTONIC_USEC=[0-9]+");
            assertThat(reloading.senderPid()).isEqualTo(p.pid());
            assertThat(systemd.await("READY=1").text()).isEqualTo("READY=1");
            assertThat(p.isAlive()).isTrue();

            Example.signal(p.pid(), "TERM");
            NotifyListener.Message stopping = systemd.await("STOPPING=1");
            assertThat(stopping.senderPid()).isEqualTo(p.pid());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
        }
    }

    @Test
    void anAbstractSocketWorksToo() throws Exception {
        String name = "@jdaemon-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyListener systemd = new NotifyListener(name)) {
            Process p = start(name, null);
            NotifyListener.Message ready = systemd.await("READY=1");
            assertThat(ready.senderPid()).isEqualTo(p.pid());
            assertThat(ready.text()).isEqualTo("READY=1\nMAINPID=" + p.pid());
        }
    }

    @Test
    void watchdogPingsWhenSystemdAsksForThem() throws Exception {
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            Process p = start(systemd.address, "200000");
            systemd.await("READY=1");
            for (int i = 0; i < 3; i++) {
                assertThat(systemd.await("WATCHDOG=1").senderPid()).isEqualTo(p.pid());
            }
        }
    }
}
