package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Faults (issue #5): a daemon killed with SIGKILL, a launcher killed while it waits, a daemon JVM
 * that dies or hangs before it is ready, a helper that fails, a log deleted under the daemon. The
 * helper stand-ins wrap the real helper (see {@link Hostile#wrappedHelper}).
 */
class FaultsIT extends WithExample {

    private static final String NAME = "daemon-examples";

    private List<String> withHelper(Path helper, String... more) {
        return Hostile.daemonCommand(example, List.of("-Djdaemon.helper=" + helper), more);
    }

    private void assertNothingLeft() {
        Example.awaitTrue(() -> example.processes().isEmpty(), "every process of the test to exit");
        assertThat(example.pidFile).doesNotExist();
        assertThat(Hostile.list(dir)).noneMatch(name -> name.endsWith(".tmp"));
    }

    // ---- the daemon killed -------------------------------------------------------------------

    @Test
    void aSigkilledDaemonLeavesAnUnlockedPidFileThatTheNextStartReplaces() throws Exception {
        long pid = example.startDaemon();
        Object inode = Files.getAttribute(example.pidFile, "unix:ino");
        assertThat(new Proc(pid).locksOn(example.pidFile)).isNotEmpty();

        Example.signal(pid, "KILL");
        Example.awaitGone(pid);

        assertThat(example.pidFileContent()).as("the pidfile stays").isEqualTo(pid + "\n");
        assertThat(Files.readString(Path.of("/proc/locks"))).as("its lock is gone")
                .doesNotContainPattern("(?m)^.*POSIX.*:" + inode + " .*$");
        Example.Result status = example.control("status");
        assertThat(status.exit()).isEqualTo(1);

        long next = example.startDaemon();

        assertThat(next).isNotEqualTo(pid);
        assertThat(new Proc(next).locksOn(example.pidFile)).isNotEmpty();
        assertThat(Example.get(example.port(), "/pid")).isEqualTo(Long.toString(next));
    }

    // ---- the launcher killed while it waits --------------------------------------------------

    /**
     * The launcher is SIGKILLed while its daemon has been spawned but its JVM has not run yet. When
     * the daemon runs, nobody waits for it: it finds its launcher gone, says so in its log and
     * exits, removing the launcher's directory. No daemon, no pidfile.
     */
    @Test
    void aLauncherKilledBeforeItsDaemonRunsLeavesNoDaemon() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path helper = FakeHelper.stoppingHelper(dir);
        Background.Running launcher = Background.background(example, Hostile.daemonCommand(example,
                List.of("-Djdaemon.helper=" + helper, "-Djava.io.tmpdir=" + tmp)));
        long daemon = FakeHelper.awaitStopped(dir.resolve("stop-before-exec.sh").toString());

        Example.signal(launcher.pid(), "KILL");
        launcher.await(60);
        Example.signal(daemon, "CONT");

        Example.awaitGone(daemon);
        // observed: "NAME: no daemon launcher is waiting at TMP/jdaemon-N-... (...is gone)..."
        assertThat(example.logText()).as("the daemon's log names the launcher it did not find")
                .contains(NAME + ": ").contains(tmp.toString());
        assertThat(example.pidFile).doesNotExist();
        assertNothingLeft();
    }

    /**
     * The launcher gets SIGTERM (or Ctrl-C's SIGINT) while it starts the daemon: it gives the
     * start up and exits 143. Nothing is left half-started.
     */
    @Test
    void aLauncherTerminatedWhileItWaitsGivesTheStartUp() throws Exception {
        Path helper = FakeHelper.stoppingHelper(dir);
        Background.Running launcher = Background.background(example, withHelper(helper));
        long daemon = FakeHelper.awaitStopped(dir.resolve("stop-before-exec.sh").toString());

        Example.signal(launcher.pid(), "TERM");
        Example.Result r = launcher.await(60);
        // If the launcher did not know the daemon's PID yet, it removed the settings instead: the
        // daemon, once it runs, gives up by itself.
        FakeHelper.signalQuietly(daemon, "CONT");

        assertThat(r.exit()).isEqualTo(143);
        Example.awaitGone(daemon);
        assertNothingLeft();
    }

    /**
     * The launcher is SIGKILLed after its daemon took its settings. The daemon goes on and runs
     * normally (with its pidfile), or, if the kill came first, exits; it is never left running
     * half-initialised.
     */
    @Test
    void aLauncherKilledAfterItsDaemonTookItsSettingsLeavesARunningDaemonOrNone() throws Exception {
        Path helper = FakeHelper.stoppingHelper(dir);
        Background.Running launcher = Background.background(example, withHelper(helper));
        long daemon = FakeHelper.awaitStopped(dir.resolve("stop-before-exec.sh").toString());
        Example.signal(daemon, "CONT");
        Example.awaitTrue(() -> !new Proc(daemon).alive() || Files.exists(example.pidFile),
                "the daemon to take its settings and create its pidfile");
        FakeHelper.signalQuietly(daemon, "STOP");

        launcher.process().destroyForcibly();
        Example.Result killed = launcher.await(60);
        FakeHelper.signalQuietly(daemon, "CONT");

        // 137: killed while waiting; 0 only if the daemon was ready before the kill landed
        assertThat(killed.exit()).as(killed.err()).isIn(137, 0);
        Example.awaitTrue(() -> !new Proc(daemon).alive()
                || example.logText().contains("listening on port"), "the daemon to exit or serve");
        if (new Proc(daemon).alive()) {
            System.out.println("launcher killed after connect (exit " + killed.exit()
                    + "): the daemon went on and serves");
            assertThat(example.pidFileContent()).isEqualTo(daemon + "\n");
            assertThat(Example.get(example.port(), "/pid")).isEqualTo(Long.toString(daemon));
            Example.Result stop = example.control("stop");
            assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + daemon + "\n");
        } else {
            System.out.println("launcher killed after connect (exit " + killed.exit()
                    + "): the daemon exited");
            assertThat(killed.exit()).isEqualTo(137);
            assertThat(example.logText()).doesNotContain("listening on port");
        }
        assertNothingLeft();
    }

    /**
     * The launcher is SIGKILLed while the helper runs, before the helper could report the
     * daemon's PID: the helper finds nobody to report to and kills the daemon it forked.
     */
    @Test
    void aLauncherKilledWhileTheHelperRunsLeavesNoDaemon() {
        Path real = FakeHelper.realHelper(dir);
        Path helper = FakeHelper.script(dir.resolve("helper-stops-itself.sh"),
                "#!/bin/bash\nkill -STOP $$\nexec " + real + " \"$@\"\n");
        Background.Running launcher = Background.background(example, withHelper(helper));
        long stopped = FakeHelper.awaitStopped(helper.toString());

        Example.signal(launcher.pid(), "KILL");
        launcher.await(60);
        Example.signal(stopped, "CONT");

        Example.awaitGone(stopped);
        assertNothingLeft();
        assertThat(example.logText()).doesNotContain("listening on port");
    }

    /** A daemon that never becomes ready is killed at --start-timeout, with its pidfile. */
    @Test
    void aDaemonThatNeverGetsReadyIsKilledAtTheStartTimeout() {
        Path helper = FakeHelper.stoppingHelper(dir);

        Example.Result r = example.run(withHelper(helper, "--start-timeout=2"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).matches(NAME + ": the daemon \\(pid \\d+\\) was not ready within 2 s and was "
                + "killed; raise --start-timeout or see " + example.log + "\n");
        Hostile.assertNoStackTrace(r);
        assertNothingLeft();
    }

    // ---- the daemon dies before it is ready --------------------------------------------------

    /** The daemon's JVM cannot start at all (here: an option only the daemon's JVM gets). */
    @Test
    void aDaemonJvmThatCannotStartFailsTheLauncherWithItsOutput() {
        Path helper = FakeHelper.wrappedHelper(dir, "bad-jvm-option.sh", "",
                "\"$prog\" -XX:+NoSuchOptionForTheDaemon \"$@\"");

        Example.Result r = example.run(withHelper(helper));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        Hostile.assertNoStackTrace(r);
        assertThat(r.err()).matches("(?s)" + NAME + ": the daemon \\(pid \\d+\\) exited before it was ready\n"
                + NAME + ": output in " + example.log + ":\n"
                + "  Unrecognized VM option 'NoSuchOptionForTheDaemon'\n.*");
        assertNothingLeft();
    }

    /** The service calls System.exit before it is ready (here: for an argument it does not know). */
    @Test
    void aServiceThatExitsBeforeReadyFailsTheLauncherWithItsOutput() {
        Example.Result r = example.run(example.daemonCommand("--no-such-service-flag"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        Hostile.assertNoStackTrace(r);
        assertThat(r.err()).isEqualTo(NAME + ": failed to start: the daemon exited before it was ready\n"
                + NAME + ": output in " + example.log + ":\n"
                + "  " + NAME + ": unknown argument --no-such-service-flag; use --port=N, "
                + "--slow-stop=SECONDS, --slow-start=SECONDS or --fail-before-ready\n");
        assertNothingLeft();
    }

    // ---- the helper fails --------------------------------------------------------------------

    /** The helper forks, but its exec of the JVM fails: reported, nothing left behind. */
    @Test
    void theHelpersExecFailingIsReported() {
        Path missing = dir.resolve("no-such-java");
        Path helper = FakeHelper.wrappedHelper(dir, "exec-fails.sh", "", missing + " \"$@\"");

        Example.Result r = example.run(withHelper(helper));

        Hostile.assertOneErrorLine(r, NAME + ": cannot start: cannot execute " + missing
                + ": errno 2 (ENOENT)", 1);
        assertNothingLeft();
    }

    /** A helper that fails before it forks, with a message of its own. */
    @Test
    void aHelperThatFailsBeforeForkingIsReported() {
        Path helper = FakeHelper.script(dir.resolve("failing-helper.sh"),
                "#!/bin/sh\necho 'jdaemon-helper: cannot do it today' >&2\nexit 1\n");

        Example.Result r = example.run(withHelper(helper));

        Hostile.assertOneErrorLine(r, NAME + ": cannot start: cannot do it today", 6);
        assertNothingLeft();
    }

    /**
     * A helper override that is not a jdaemon-helper (or one of another version) and prints
     * something the launcher does not understand: one line and a non-zero exit, no stack trace.
     */
    @Test
    void aHelperWhoseOutputIsNotUnderstoodIsReportedInOneLine() {
        Path helper = FakeHelper.script(dir.resolve("odd-helper.sh"), "#!/bin/sh\necho 'pid twelve'\n");

        Example.Result r = example.run(withHelper(helper));

        Hostile.assertNoStackTrace(r);
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith(NAME + ": ").contains("pid twelve");
        assertNothingLeft();
    }

    // ---- a full file system -----------------------------------------------------------------

    /** No room for the pidfile: the daemon cannot create it and the start fails; nothing runs. */
    @Test
    void aPidFileOnAFullFileSystemFailsTheStart() throws Exception {
        Path full = dir.resolve("full");
        Namespaces.mountTmpfsOrSkip(full, "size=64k");
        try {
            fill(full);
            Path pid = full.resolve("x.pid");

            Example.Result r = example.run(example.command("--daemon", "--pidfile=" + pid, "--log=" + example.log,
                    "--port=0"));

            Hostile.assertOneErrorLine(r, NAME + ": failed to start: cannot create pidfile " + pid
                    + ": No space left on device; check that its directory exists and is writable (see "
                    + example.log + ")", 1);
            Example.awaitTrue(() -> example.processes().isEmpty(), "the daemon to exit");
            assertThat(Hostile.list(full)).containsExactly("filler");
        } finally {
            Namespaces.unmount(full);
        }
    }

    /**
     * No room for the log: the daemon starts and serves all the same, the launcher warns that
     * its output is lost, and once there is room again the log says how much was lost (issue 20,
     * item 25).
     */
    @Test
    void aLogOnAFullFileSystemDoesNotStopTheDaemon() throws Exception {
        Path full = dir.resolve("full");
        Namespaces.mountTmpfsOrSkip(full, "size=64k");
        try {
            fill(full);
            Path log = full.resolve("x.log");

            Example.Result r = example.run(example.command("--daemon", "--pidfile=" + example.pidFile,
                    "--log=" + log, "--port=0", "--sighup=reload"));

            assertThat(r.exit()).as(r.err()).isZero();
            long pid = r.startedPid();
            assertThat(r.err()).isEqualTo(NAME + ": warning: the file system of " + log + " is full: the "
                    + "daemon's output is lost until space is freed (it then says in the log how much was "
                    + "lost)\n");
            assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
            assertThat(Files.size(log)).isZero();

            Files.delete(full.resolve("filler"));
            Example.Result reload = example.control("reload"); // the callback prints a line
            assertThat(reload.exit()).as(reload.err()).isZero();
            assertThat(Files.readString(log)).matches("(?s)jdaemon: [1-9][0-9]* lines? of output \\([0-9]+ "
                    + "bytes\\) were lost: No space left on device\n.*daemon-examples reloaded\n.*");
            Example.Result stop = example.control("stop");
            assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        } finally {
            example.close();
            Namespaces.unmount(full);
        }
    }

    /** A start that fails with its log on a full file system says the log is empty because of that. */
    @Test
    void aFailedStartWhoseLogCouldNotBeWrittenSaysSo() throws Exception {
        Path full = dir.resolve("full");
        Namespaces.mountTmpfsOrSkip(full, "size=64k");
        try {
            fill(full);
            Path log = full.resolve("x.log");

            Example.Result r = example.run(example.command("--daemon", "--pidfile=" + example.pidFile,
                    "--log=" + log, "--port=0", "--fail-before-ready"));

            Hostile.assertOneErrorLine(r, NAME + ": failed to start: java.lang.IllegalStateException: failing "
                    + "before ready, as asked by --fail-before-ready (nothing could be written to " + log
                    + ": its file system is full)", 1);
            Example.awaitTrue(() -> example.processes().isEmpty(), "the daemon to exit");
        } finally {
            example.close();
            Namespaces.unmount(full);
        }
    }

    private static void fill(Path dir) {
        byte[] block = new byte[4096];
        try (java.io.OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
            while (true) {
                out.write(block);
            }
        } catch (java.io.IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
    }

    // ---- the log deleted ---------------------------------------------------------------------

    @Test
    void aDaemonWhoseLogIsDeletedKeepsServing() throws Exception {
        long pid = example.startDaemon();
        int port = example.port();

        Files.delete(example.log);

        assertThat(Example.get(port, "/health")).isEqualTo("ok");
        assertThat(Example.get(port, "/pid")).isEqualTo(Long.toString(pid));
        assertThat(new Proc(pid).fds().get(1)).isEqualTo(example.log + " (deleted)");
        assertThat(new Proc(pid).alive()).isTrue();
        Example.Result stop = example.control("stop");
        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(example.log).doesNotExist();

        long next = example.startDaemon();
        assertThat(Example.get(example.port(), "/pid")).isEqualTo(Long.toString(next));
    }
}
