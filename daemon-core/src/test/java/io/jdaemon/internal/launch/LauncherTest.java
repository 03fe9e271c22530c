package io.jdaemon.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.helper.HelperProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How far the daemon's requests to wait longer (Daemon.extendStartTimeout) move the deadline. */
class LauncherTest {

    private static final long S = 1_000_000_000L;
    private static final long NOW = 1_000 * S;

    @Test
    void aRequestWithinTheStepIsHonoured() {
        assertThat(Launcher.extendedDeadline(NOW + 2 * S, NOW + 30 * S, NOW + 3600 * S, NOW,
                Duration.ofSeconds(2))).isEqualTo(NOW + 30 * S);
    }

    @Test
    void aFarFutureRequestCountsForOneStepOnly() {
        // svc stops its daemon and writes Long.MAX_VALUE-ish: root's --start-timeout=2 waits a minute
        assertThat(Launcher.extendedDeadline(NOW + 2 * S, NOW + 365L * 24 * 3600 * S, NOW + 3602 * S, NOW,
                Duration.ofSeconds(2))).isEqualTo(NOW + Launcher.EXTENSION_STEP.toSeconds() * S);
        // a longer start timeout is a longer step
        assertThat(Launcher.extendedDeadline(NOW, NOW + 3600 * S, NOW + 3900 * S, NOW,
                Duration.ofSeconds(300))).isEqualTo(NOW + 300 * S);
    }

    @Test
    void noRequestPassesTheLimitNorShortensTheWait() {
        assertThat(Launcher.extendedDeadline(NOW, NOW + 50 * S, NOW + 10 * S, NOW, Duration.ofSeconds(2)))
                .isEqualTo(NOW + 10 * S);
        assertThat(Launcher.extendedDeadline(NOW + 20 * S, NOW + 5 * S, NOW + 100 * S, NOW,
                Duration.ofSeconds(2))).isEqualTo(NOW + 20 * S);
    }

    @Test
    void aJvmOutOfThreadsIsRecognisedWhicheverWayItSaysSo() {
        assertThat(Launcher.outOfThreads("failed to start: java.lang.OutOfMemoryError: unable to create "
                + "native thread: possibly out of memory or process/resource limits reached")).isTrue();
        assertThat(Launcher.outOfThreads("java.lang.OutOfMemoryError: unable to create new native thread"))
                .isTrue();
        assertThat(Launcher.outOfThreads("[0.1s][warning][os,thread] Failed to start thread \"C2\" - "
                + "pthread_create failed (EAGAIN) for attributes: stacksize: 1024k")).isTrue();
        assertThat(Launcher.outOfThreads("java.lang.OutOfMemoryError: Java heap space")).isFalse();
    }

    @Test
    void aCommandLineTooLongForTheKernelIsNamedWithItsSizes() {
        String line = HelperProcess.tooLong(java.util.List.of("/usr/bin/java", "x".repeat(200_000)), null)
                .getMessage();
        assertThat(line).startsWith("cannot start the daemon: its command line is too long for the kernel "
                + "(E2BIG: 200015 bytes of arguments, the longest 200001, and ")
                .endsWith("put long values in an argument file (java @FILE) or shorten the environment");
    }
}
