package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher and the control commands on a system without /proc (issue #5): each runs in a
 * mount namespace of its own whose /proc is an empty tmpfs. Starting needs /proc (the JVM's
 * command line is read from it) and must say so in one line, exit 3; status works from the
 * pidfile's lock alone; stop must either stop the daemon or fail, never claim to have stopped it.
 * Skipped where mount namespaces are not permitted.
 */
class NoProcIT extends WithExample {

    private static final String NAME = "daemon-examples";

    @BeforeEach
    void setUp() {
        Namespaces.assumeCanHideProc();
    }

    private Example.Result withoutProc(List<String> cmd) {
        return example.run(Namespaces.withoutProc(cmd));
    }

    @Test
    void startWithoutProcIsOneLineAndExit3() {
        Example.Result r = withoutProc(example.daemonCommand());

        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        Hostile.assertNoStackTrace(r);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).matches(NAME + ": cannot read the command line of process \\d+: no /proc/\\d+/cmdline "
                + "and the OS does not report the arguments; daemon mode needs /proc mounted\n");
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void statusWithoutProcReadsThePidFilesLock() {
        Example.Result none = withoutProc(example.controlCommand("status"));
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.out()).isEqualTo(NAME + " is not running\n");

        long pid = example.startDaemon();
        Example.Result running = withoutProc(example.controlCommand("status"));
        assertThat(running.exit()).as(running.err()).isZero();
        assertThat(running.out()).isEqualTo(NAME + " is running, pid " + pid + "\n");

        Example.signal(pid, "KILL");
        Example.awaitGone(pid);
        Example.Result dead = withoutProc(example.controlCommand("status"));
        assertThat(dead.exit()).isEqualTo(1);
    }

    /** A stop that cannot see processes must not report "stopped" while the daemon runs on. */
    @Test
    void stopWithoutProcStopsTheDaemonOrSaysItCannot() {
        long pid = example.startDaemon();

        Example.Result r = withoutProc(example.controlCommand("stop",
                "--stop-timeout=10"));

        Hostile.assertNoStackTrace(r);
        if (r.exit() == 0) {
            assertThat(r.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
            // stop returns once the process is gone
            assertThat(new Proc(pid).alive()).as("the daemon still runs although stop said: %s", r.out())
                    .isFalse();
            assertThat(example.pidFile).doesNotExist();
        } else {
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).contains("/proc");
            assertThat(new Proc(pid).alive()).isTrue();
        }
    }
}
