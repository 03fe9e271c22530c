package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonException;
import io.jdaemon.DaemonStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control commands an operator runs with the same command line: status, stop, restart,
 * reload, with their LSB exit codes, the Java API that does the same, and Debian's
 * start-stop-daemon driving the daemon from its pidfile.
 */
class LifecycleIT extends WithExample {

    private Example.Result control(String action, String... more) {
        List<String> cmd = example.command("--daemon=" + action, "--pidfile=" + example.pidFile,
                "--log=" + example.log);
        cmd.addAll(List.of(more));
        return example.run(cmd);
    }

    @Test
    void statusOfRunningStoppedAndStale() {
        Example.Result none = control("status");
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.out()).isEqualTo("daemon-examples is not running\n");
        assertThat(Daemon.status(example.pidFile).state()).isEqualTo(DaemonStatus.State.NOT_RUNNING);

        long pid = example.startDaemon();
        Example.Result running = control("status");
        assertThat(running.exit()).isZero();
        assertThat(running.out()).isEqualTo("daemon-examples is running, pid " + pid + "\n");
        assertThat(Daemon.status(example.pidFile).pid()).hasValue(pid);

        Example.signal(pid, "KILL");
        Example.awaitGone(pid);
        Example.Result stale = control("status");
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.out()).isEqualTo("daemon-examples is not running, but pidfile "
                + example.pidFile + " remains (pid " + pid + ")\n");
        assertThat(Daemon.status(example.pidFile).state()).isEqualTo(DaemonStatus.State.DEAD);

        long next = example.startDaemon();
        assertThat(next).isNotEqualTo(pid);
        assertThat(control("status").exit()).isZero();
    }

    @Test
    void statusOfAnUnreadablePidFileIsUnknown() throws Exception {
        Files.createDirectory(example.pidFile);
        Example.Result r = control("status");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).startsWith("daemon-examples: status unknown: pidfile " + example.pidFile
                + " is not a regular file");
    }

    @Test
    void stopWaitsUntilTheProcessIsGoneAndRemovesThePidFile() {
        long pid = example.startDaemon();

        Example.Result r = control("stop");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("daemon-examples stopped, pid " + pid + "\n");
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.exists(example.pidFile)).isFalse();
        assertThat(example.logText()).contains("daemon-examples stopping");

        Example.Result again = control("stop");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo("daemon-examples is not running\n");
    }

    @Test
    void aStopThatTimesOutLeavesTheDaemonRunningUnlessForced() {
        long pid = example.startDaemon("--slow-stop=60");

        Example.Result late = control("stop", "--stop-timeout=1");
        assertThat(late.exit()).isEqualTo(1);
        assertThat(late.err()).isEqualTo("daemon-examples: cannot stop: pid " + pid + " did not stop "
                + "within 1 s after SIGTERM and is still running; wait longer with "
                + "--stop-timeout=SECONDS or kill it with --force\n");
        assertThat(new Proc(pid).alive()).isTrue();

        Example.Result forced = control("stop", "--stop-timeout=1", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.exists(example.pidFile)).isFalse();
    }

    @Test
    void aPidFileNamingAnUnrelatedProcessIsNeverSignalled() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        try {
            Files.writeString(example.pidFile, unrelated.pid() + "\n");

            assertThat(control("status").exit()).isEqualTo(1);
            Example.Result stop = control("stop");
            assertThat(stop.exit()).isZero();
            assertThat(stop.out()).isEqualTo("daemon-examples is not running; removed stale pidfile "
                    + example.pidFile + "\n");
            assertThat(control("reload").exit()).isEqualTo(7);
            assertThat(unrelated.isAlive()).isTrue();
            assertThat(Files.exists(example.pidFile)).isFalse();

            Files.writeString(example.pidFile, unrelated.pid() + "\n");
            long pid = example.startDaemon();
            assertThat(pid).isNotEqualTo(unrelated.pid());
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    @Test
    void restartReplacesTheDaemon() {
        long old = example.startDaemon();

        Example.Result r = control("restart");

        assertThat(r.exit()).as(r.err()).isZero();
        long fresh = r.startedPid();
        assertThat(r.out()).isEqualTo("daemon-examples stopped, pid " + old + "\n"
                + "daemon-examples started, pid " + fresh + "\n");
        assertThat(new Proc(old).alive()).isFalse();
        assertThat(example.pidFileContent()).isEqualTo(fresh + "\n");
        assertThat(Example.get(example.port(), "/pid")).isNotNull();
    }

    @Test
    void reloadReopensTheLogSoLogrotateCanRenameIt() throws Exception {
        long pid = example.startDaemon("--sighup=reload");
        Path rotated = dir.resolve("example.log.1");
        Files.move(example.log, rotated);

        Example.Result r = control("reload");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("daemon-examples reloaded, pid " + pid + "\n");
        // reload returns once the log was reopened and the callbacks ran: no waiting here
        assertThat(example.logText()).contains("daemon-examples reloaded");
        assertThat(Files.readString(rotated)).contains("listening on port")
                .doesNotContain("reloaded");
        assertThat(new Proc(pid).fds().get(1)).isEqualTo(example.log.toString());
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(Example.get(portIn(rotated), "/health")).isEqualTo("ok");
    }

    @Test
    void reloadIsRefusedWhenSighupWouldStopTheDaemon() {
        long pid = example.startDaemon();

        Example.Result r = control("reload");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("daemon-examples: pid " + pid + " runs with --sighup=default, "
                + "so SIGHUP would stop it; not sent. Start it with --sighup=reload to reload it\n");
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");
    }

    @Test
    void theLauncherReturnsOnlyOnceTheServiceAnswers() {
        example.startDaemon();
        // No waiting: the example calls Daemon.ready() after its server is listening.
        int port = Integer.parseInt(example.logText().replaceAll("(?s).*listening on port (\\d+).*", "$1"));
        assertThat(Example.get(port, "/health")).isEqualTo("ok");
    }

    @Test
    void theJavaApiStopsTheDaemon() {
        long pid = example.startDaemon("--slow-stop=60");
        assertThatThrownBy(() -> Daemon.stop(example.pidFile, Duration.ofSeconds(1)))
                .isInstanceOf(DaemonException.class).hasMessageContaining("did not stop within 1 s");
        Example.signal(pid, "KILL");
        Example.awaitGone(pid);
        DaemonStatus stale = Daemon.stop(example.pidFile, Duration.ofSeconds(5));
        assertThat(stale.state()).as("a stale pidfile, removed").isEqualTo(DaemonStatus.State.DEAD);
        assertThat(stale.pid()).hasValue(pid);
        assertThat(Files.exists(example.pidFile)).isFalse();
        assertThat(Daemon.stop(example.pidFile, Duration.ofSeconds(5)).state())
                .isEqualTo(DaemonStatus.State.NOT_RUNNING);
    }

    @Test
    void theJavaApiSaysWhichDaemonItStopped() {
        long pid = example.startDaemon();
        DaemonStatus stopped = Daemon.stop(example.pidFile, Duration.ofSeconds(30));
        assertThat(stopped.state()).isEqualTo(DaemonStatus.State.RUNNING);
        assertThat(stopped.pid()).hasValue(pid);
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.exists(example.pidFile)).isFalse();
    }

    @Test
    void startStopDaemonAgreesAndStopsIt() throws Exception {
        assertThat(startStopDaemon("--status").exit()).isEqualTo(3).isEqualTo(control("status").exit());
        long pid = example.startDaemon();
        assertThat(startStopDaemon("--status").exit()).isZero().isEqualTo(control("status").exit());

        Example.Result r = startStopDaemon("--stop", "--retry", "TERM/10");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.exists(example.pidFile)).isFalse();
        assertThat(startStopDaemon("--status").exit()).isEqualTo(3).isEqualTo(control("status").exit());

        // A stale pidfile naming a process that has exited (and was reaped).
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(example.pidFile, gone.pid() + "\n");
        assertThat(startStopDaemon("--status").exit()).isEqualTo(1).isEqualTo(control("status").exit());
    }

    private Example.Result startStopDaemon(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("start-stop-daemon"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--pidfile", example.pidFile.toString()));
        return example.run(cmd);
    }

    private static int portIn(Path log) throws Exception {
        return Integer.parseInt(Files.readString(log).replaceAll("(?s).*listening on port (\\d+).*", "$1"));
    }
}
