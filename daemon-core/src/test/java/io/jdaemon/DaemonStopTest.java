package io.jdaemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.pidfile.PidFileHolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@link Daemon#stop}: what it found tells a stop from a stale pidfile removed from nothing. */
@EnabledOnOs(OS.LINUX)
class DaemonStopTest {

    @TempDir
    Path dir;

    private Process holder;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (holder != null) {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void aRunningDaemonIsStoppedAndNamed() throws Exception {
        Path pidFile = dir.resolve("svc.pid");
        holder = PidFileHolder.start(pidFile);

        DaemonStatus found = Daemon.stop(pidFile, Duration.ofSeconds(30));

        assertThat(found.state()).isEqualTo(DaemonStatus.State.RUNNING);
        assertThat(found.pid()).hasValue(holder.pid());
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).as("the holder has exited").isTrue();
        assertThat(holder.exitValue()).as("it died of SIGTERM").isEqualTo(143);
        assertThat(pidFile).doesNotExist();
        assertThat(Daemon.status(pidFile).state()).isEqualTo(DaemonStatus.State.NOT_RUNNING);
    }

    @Test
    void aStalePidFileIsRemovedAndSaidApartFromNothing() throws Exception {
        Path pidFile = Files.writeString(dir.resolve("svc.pid"), "4242\n");

        DaemonStatus found = Daemon.stop(pidFile, Duration.ofSeconds(1));

        assertThat(found.state()).isEqualTo(DaemonStatus.State.DEAD);
        assertThat(found.pid()).hasValue(4242);
        assertThat(pidFile).doesNotExist();
    }

    @Test
    void noPidFileIsNotRunning() {
        Path pidFile = dir.resolve("svc.pid");

        DaemonStatus found = Daemon.stop(pidFile, Duration.ofSeconds(1));

        assertThat(found.state()).isEqualTo(DaemonStatus.State.NOT_RUNNING);
        assertThat(found.pid()).isEmpty();
        assertThat(pidFile).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }
}
