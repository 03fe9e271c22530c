package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher does not poll while the daemon starts: it blocks on the output of the helper's
 * first process, which stays, watching the handshake directory and the daemon, until the start
 * is over. Seen from outside: during the example's {@code --slow-start=3} the launcher's only
 * child is that helper, with {@code --watch} naming the handshake directory, outside the daemon's
 * ancestry; once the launcher has returned, the helper is gone too.
 */
class LauncherWaitIT extends WithExample {

    @Test
    void theLauncherWaitsOnItsHelperNotByPolling() throws Exception {
        Process launcher = new ProcessBuilder(example.daemonCommand("--slow-start=3"))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        launcher.getOutputStream().close();
        CompletableFuture<String> out = Example.readAsync(launcher.getInputStream());

        // The daemon holds its pidfile's lock before its slow start: the launcher now waits.
        Example.awaitTrue(() -> {
            String content = java.nio.file.Files.exists(example.pidFile) ? example.pidFileContent() : null;
            return content != null && content.endsWith("\n")
                    && !new Proc(Long.parseLong(content.strip())).locksOn(example.pidFile).isEmpty();
        }, "the daemon to lock its pidfile");
        long daemon = Long.parseLong(example.pidFileContent().strip());
        List<Long> children = new Proc(launcher.pid()).children();
        assertThat(launcher.isAlive()).as("the launcher still waits: %s", out).isTrue();
        assertThat(children).as("the launcher's children while it waits").hasSize(1);
        long helper = children.get(0);
        List<String> argv = new Proc(helper).cmdline();
        int watch = argv.indexOf("--watch");
        assertThat(watch).as("the helper's command line: %s", argv).isPositive();
        assertThat(argv.get(watch + 1)).startsWith(dir.resolve("tmp").resolve("jdaemon-").toString());
        assertThat(argv.indexOf("--")).isGreaterThan(watch);
        assertThat(new Proc(daemon).ppid()).as("the daemon's parent").isNotEqualTo(helper);
        assertThat(ancestors(daemon)).as("the daemon's ancestry").doesNotContain(launcher.pid());

        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).as("the launcher returns").isTrue();
        assertThat(launcher.exitValue()).as("launcher output: %s", out.join()).isZero();
        assertThat(out.join()).contains("started, pid " + daemon);
        Example.awaitGone(helper);
        assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");
    }

    private static List<Long> ancestors(long pid) {
        List<Long> out = new ArrayList<>();
        for (long p = new Proc(pid).ppid(); p > 1 && out.size() < 64; p = new Proc(p).ppid()) {
            out.add(p);
        }
        return out;
    }
}
