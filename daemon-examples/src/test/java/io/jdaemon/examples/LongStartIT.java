package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service that takes longer than its start timeout, but says it is making progress with
 * {@code Daemon.extendStartTimeout}: the example's {@code --slow-start=12} waits twelve seconds
 * before it listens, asking for two more every half second. The start timeout (10 s) also covers
 * the daemon JVM's boot up to its first request, which a loaded machine can make take seconds:
 * it is far above that, and the slow start above it. (That the start timeout holds for a
 * daemon that asks for nothing is FaultsIT's.)
 */
class LongStartIT extends WithExample {

    Process service;

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.destroyForcibly();
        }
    }

    @Test
    void theLauncherWaitsAsLongAsTheDaemonAsks() {
        Example.Result r = example.run(example.daemonCommand("--start-timeout=10", "--slow-start=12"));
        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        long pid = r.startedPid();
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");
    }

    @Test
    void underSystemdItIsExtendTimeoutUsec() throws Exception {
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            List<String> cmd = example.daemonCommand("--slow-start=1");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("NOTIFY_SOCKET", systemd.address);
            service = pb.start();

            NotifyListener.Message extend = systemd.await("EXTEND_TIMEOUT_USEC=");
            assertThat(extend.text()).isEqualTo("EXTEND_TIMEOUT_USEC=2000000");
            assertThat(extend.senderPid()).isEqualTo(service.pid());
            NotifyListener.Message ready = systemd.await("READY=1");
            assertThat(ready.text()).isEqualTo("READY=1\nMAINPID=" + service.pid());
        }
    }
}
