package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every wait of the launcher is bounded by {@code --start-timeout}, whatever the helper does, and
 * a launcher that is killed leaves no helper behind (issue 10, item 5).
 */
class BoundedWaitIT extends WithExample {

    private static final String NAME = "daemon-examples";

    private void assertNothingLeft() {
        Example.awaitTrue(() -> example.processes().isEmpty(), "every process of the test to exit");
        assertThat(example.pidFile).doesNotExist();
        assertThat(Hostile.list(dir)).noneMatch(name -> name.startsWith("tmp/"));
    }

    /**
     * A helper that never finishes (blocked opening a FIFO nobody opens for reading, before it
     * runs the real helper) is killed at the start timeout; one line, exit 1.
     */
    @Test
    void aHelperThatNeverFinishesIsKilledAtTheStartTimeout() throws Exception {
        Path fifo = dir.resolve("never-read");
        assertThat(Hostile.quietly(List.of("mkfifo", fifo.toString()))).isZero();
        Path helper = FakeHelper.wrappedHelper(dir, "blocking-helper.sh", "echo > " + fifo, "\"$prog\" \"$@\"");

        Background.Running launcher = Background.background(example, Hostile.daemonCommand(example,
                List.of("-Djdaemon.helper=" + helper), "--start-timeout=2"));
        Example.Result r = launcher.await(60);

        Hostile.assertOneErrorLine(r, NAME + ": the daemon helper did not finish within 2 s and was "
                + "killed (is --log=" + example.log + " a FIFO, or on a file system that does not "
                + "answer?); fix that or raise --start-timeout", 1);
        assertNothingLeft();
    }

    /**
     * A FIFO as --log: the start ends within the timeout (refused, or the helper killed), never
     * says "started", and leaves nothing.
     */
    @Test
    void aFifoLogEndsTheStartWithinTheTimeout() throws Exception {
        assertThat(Hostile.quietly(List.of("mkfifo", example.log.toString()))).isZero();

        Example.Result r = Background.background(example, example.daemonCommand("--start-timeout=2")).await(60);

        Hostile.assertNoStackTrace(r);
        assertThat(r.exit()).as(r.err()).isNotZero();
        assertThat(r.out()).doesNotContain("started");
        assertThat(r.err()).startsWith(NAME + ": ").contains(example.log.toString());
        assertNothingLeft();
    }

    /**
     * The launcher is SIGKILLed while its helper has not yet run (stopped): the helper, let go,
     * finds its parent is no longer the launcher and ends before it forks, so no daemon JVM ever
     * starts (its log stays empty); the next start sweeps the launcher's handshake directory.
     */
    @Test
    void aHelperWhoseLauncherIsGoneEndsBeforeItForks() throws Exception {
        Path helper = FakeHelper.wrappedHelper(dir, "stop-first-helper.sh", "kill -STOP $$", "\"$prog\" \"$@\"");
        Background.Running launcher = Background.background(example, Hostile.daemonCommand(example,
                List.of("-Djdaemon.helper=" + helper)));
        long stopped = FakeHelper.awaitStopped(helper.toString());

        Example.signal(launcher.pid(), "KILL");
        launcher.await(60);
        assertThat(Hostile.list(dir)).as("the killed launcher's handshake directory")
                .anyMatch(name -> name.startsWith("tmp/jdaemon-"));
        Example.signal(stopped, "CONT");
        Example.awaitGone(stopped);

        Example.awaitTrue(() -> example.processes().isEmpty(), "every process of the test to exit");
        assertThat(example.logText()).as("no daemon JVM ran").isEmpty();

        example.startDaemon();
        assertThat(Hostile.list(dir).stream().filter(name -> name.startsWith("tmp/jdaemon-")))
                .as("the killed launcher's directory swept (and the new one's removed)").isEmpty();
    }

    /**
     * The launcher is SIGKILLed while the real helper is blocked opening a FIFO log (where the
     * helper's open still blocks): the kernel kills the helper with it (PR_SET_PDEATHSIG), so
     * nothing is left blocked.
     */
    @Test
    void aLauncherKilledWhileTheHelperIsBlockedLeavesNoHelper() throws Exception {
        assertThat(Hostile.quietly(List.of("mkfifo", example.log.toString()))).isZero();
        Background.Running launcher = Background.background(example, example.daemonCommand("--start-timeout=600"));
        // Until the helper runs (blocked in open), or the launcher has ended (a helper that
        // refuses a FIFO log at once).
        Example.awaitTrue(() -> !launcher.process().isAlive() || example.processes().stream()
                .anyMatch(pid -> pid != launcher.pid()), "the helper to run");

        if (launcher.process().isAlive()) {
            Example.signal(launcher.pid(), "KILL");
        }
        launcher.await(60);

        Example.awaitTrue(() -> example.processes().isEmpty(), "no helper left after the launcher died");
        assertThat(example.pidFile).doesNotExist();
    }
}
