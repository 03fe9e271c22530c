package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * systemd's {@code Type=forking} reads {@code PIDFile=} the moment the launcher exits: the file
 * must then be complete and name the serving process, every time.
 */
class ForkingPidFileIT extends WithExample {

    @Test
    void thePidFileIsCompleteWhenTheLauncherExits() throws Exception {
        for (int run = 0; run < 10; run++) {
            Example.Result r = example.run(example.daemonCommand());
            String content = Files.readString(example.pidFile); // first thing after the exit
            assertThat(r.exit()).as("run %d: %s", run, r.err()).isZero();
            assertThat(content).as("run %d", run).matches("[0-9]+\n");
            long pid = Long.parseLong(content.trim());
            assertThat(pid).isEqualTo(r.startedPid());
            Proc daemon = new Proc(pid);
            assertThat(daemon.alive()).isTrue();
            assertThat(daemon.cmdline()).anyMatch(a -> a.startsWith("-Djdaemon.launcher="));
            assertThat(daemon.locksOn(example.pidFile)).as("the pidfile's lock").isNotEmpty();

            Example.signal(pid, "TERM");
            Example.awaitGone(pid);
            Example.awaitTrue(() -> !Files.exists(example.pidFile), "pidfile removed");
        }
    }
}
