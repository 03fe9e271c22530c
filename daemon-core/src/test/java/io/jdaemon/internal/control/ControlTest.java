package io.jdaemon.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.pidfile.PidFileHolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The control commands' results as values: the lines they would print and their exit status. */
@EnabledOnOs(OS.LINUX)
class ControlTest {

    @TempDir
    Path dir;

    private Report run(Flags.Action action, Path pidFile) {
        DaemonOptions options = DaemonOptions.builder().pidFile(pidFile).build();
        return new Control(DaemonOptions.defaults(), options, "svc").run(action, false);
    }

    /**
     * A pidfile below a directory another user owns, who could swap its directory for a link:
     * status is unknown (4), stop refuses, and the stale file is not removed either.
     */
    @Test
    void aPidFileWhoseDirectoryAnotherUserCouldSwapIsNotActedOn() throws IOException {
        Assumptions.assumeTrue(TrustedPath.Identity.current().isRoot(), "needs root to chown");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Path run = Files.createDirectory(theirs.resolve("run"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        Path pidFile = Files.writeString(run.resolve("svc.pid"), "12345\n");

        Report status = run(Flags.Action.STATUS, pidFile);
        assertThat(status.exitStatus()).isEqualTo(4);
        assertThat(status.text("svc")).contains("pidfile " + pidFile + " is in an unsafe place: "
                + theirs + " belongs to ").contains("Run the command as that user");
        assertThatThrownBy(() -> run(Flags.Action.STOP, pidFile))
                .isInstanceOf(DaemonException.class)
                .hasMessageStartingWith("cannot stop: pidfile " + pidFile + " is in an unsafe place");
        assertThat(pidFile).exists();
    }

    @Test
    void statusAndStopOfNoDaemon() {
        Path pidFile = dir.resolve("svc.pid");

        Report status = run(Flags.Action.STATUS, pidFile);
        assertThat(status.text("svc")).isEqualTo("svc is not running\n");
        assertThat(status.exitStatus()).isEqualTo(3);

        Report stop = run(Flags.Action.STOP, pidFile);
        assertThat(stop.text("svc")).isEqualTo("svc is not running\n");
        assertThat(stop.ok()).isTrue();

        Report reload = run(Flags.Action.RELOAD, pidFile);
        assertThat(reload.text("svc")).isEqualTo("svc is not running; nothing to reload\n");
        assertThat(reload.exitStatus()).isEqualTo(7);
    }

    /** A stale pidfile: status says so (1), stop says it removed it, apart from "not running". */
    @Test
    void aStalePidFileIsReportedAndRemovedOnce() throws Exception {
        Path pidFile = Files.writeString(dir.resolve("svc.pid"), "4242\n");

        Report status = run(Flags.Action.STATUS, pidFile);
        assertThat(status.text("svc")).isEqualTo("svc is not running, but pidfile " + pidFile
                + " remains (pid 4242)\n");
        assertThat(status.exitStatus()).isEqualTo(1);

        Report stop = run(Flags.Action.STOP, pidFile);
        assertThat(stop.text("svc")).isEqualTo("svc is not running; removed stale pidfile " + pidFile + "\n");
        assertThat(pidFile).doesNotExist();

        assertThat(run(Flags.Action.STOP, pidFile).text("svc")).isEqualTo("svc is not running\n");
    }

    /** A running daemon (here a process holding the pidfile): stop names the PID it stopped. */
    @Test
    void stopOfARunningDaemonSaysItsPid() throws Exception {
        Path pidFile = dir.resolve("svc.pid");
        Process holder = PidFileHolder.start(pidFile);
        try {
            Report stop = run(Flags.Action.STOP, pidFile);

            assertThat(stop.text("svc")).isEqualTo("svc stopped, pid " + holder.pid() + "\n");
            assertThat(stop.ok()).isTrue();
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).as("the holder has exited").isTrue();
            assertThat(pidFile).doesNotExist();
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void reportsChainTheirLinesAndKeepTheLastStatus() {
        Report both = Report.said("stopped, pid 1", 0).then(Report.failed("cannot start: x", 6));

        assertThat(both.text("svc")).isEqualTo("svc stopped, pid 1\nsvc: cannot start: x\n");
        assertThat(both.exitStatus()).isEqualTo(6);
        assertThat(Report.found("status unknown: y", 4).text("svc")).isEqualTo("svc: status unknown: y\n");
    }
}
