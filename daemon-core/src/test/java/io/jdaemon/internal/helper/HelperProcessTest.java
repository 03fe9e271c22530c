package io.jdaemon.internal.helper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How detach mode reads the helper's answer ({@link HelperProtocol}), with scripts standing in
 * for the helper: the PID line, the failures it tells apart, and its exit statuses.
 */
class HelperProcessTest {

    @TempDir
    Path dir;

    @Test
    void thePidLineIsTheDaemonsPid() throws IOException {
        assertThat(detach("echo 'pid 4242'")).isEqualTo(4242);
    }

    @Test
    void aForkAtTheProcessLimitIsNamedAsSuch() {
        DaemonException e = failure("echo 'jdaemon-helper: cannot fork: errno 11 (EAGAIN)' >&2; exit 1");
        assertThat(e.getMessage()).startsWith("cannot create a thread or process: this user's process limit");
        assertThat(e.exitCode()).isEqualTo(ExitStatus.FAILED);
    }

    @Test
    void anyOtherForkFailureIsTheHelpersLine() {
        DaemonException e = failure("echo 'jdaemon-helper: cannot fork: errno 12 (ENOMEM)' >&2; exit 1");
        assertThat(e.getMessage()).isEqualTo("cannot start: cannot fork: errno 12 (ENOMEM)");
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
    }

    @Test
    void aCommandLineTheKernelRefusesAsTooLongIsNamedAsSuch() {
        DaemonException e = failure("echo 'pid 4242'; "
                + "echo 'jdaemon-helper: cannot execute /usr/bin/java: errno 7 (E2BIG)' >&2");
        assertThat(e.getMessage()).startsWith("cannot start the daemon: its command line is too long");
        assertThat(e.exitCode()).isEqualTo(ExitStatus.FAILED);
    }

    @Test
    void anUnsupportedRequestIsUnsupported() {
        DaemonException e = failure("echo 'jdaemon-helper: switching users is supported on Linux only' >&2; "
                + "exit " + HelperProtocol.EXIT_UNSUPPORTED);
        assertThat(e.getMessage()).isEqualTo("cannot start: switching users is supported on Linux only");
        assertThat(e.exitCode()).isEqualTo(ExitStatus.UNSUPPORTED);
    }

    @Test
    void aUsageErrorIsAFailureNotTheOperators() {
        DaemonException e = failure("echo 'jdaemon-helper: unknown option: --x' >&2; exit "
                + HelperProtocol.EXIT_USAGE);
        assertThat(e.getMessage()).isEqualTo("cannot start: unknown option: --x");
        assertThat(e.exitCode()).isEqualTo(ExitStatus.FAILED);
    }

    @Test
    void aWatchingHelperWakesTheLauncherOnEachLineUntilClosed() throws IOException {
        HelperProcess.Detached detached = detached("echo 'pid 4242'; echo watching; echo changed; "
                + "exec sleep 60", dir.toString());
        assertThat(detached.pid()).isEqualTo(4242);
        HelperOutput watch = detached.watch();
        assertThat(watch).as("the helper watches").isNotNull();
        long bound = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        assertThat(watch.awaitEvent(0, bound)).as("events told").isEqualTo(1);
        watch.close();
        watch.awaitEvent(1, bound); // returns once the output ended
        assertThat(watch.watching()).as("still watching after close").isFalse();
    }

    @Test
    void aHelperThatDoesNotWatchLeavesTheLauncherToPoll() throws IOException {
        HelperProcess.Detached detached = detached("echo 'pid 4242'", dir.toString());
        assertThat(detached.pid()).isEqualTo(4242);
        assertThat(detached.watch()).isNull();
    }

    private DaemonException failure(String script) {
        return catchThrowableOfType(DaemonException.class, () -> detach(script));
    }

    /** Runs detach mode with {@code script} (sh) as the helper. */
    private long detach(String script) throws IOException {
        HelperProcess.Detached detached = detached(script, null);
        assertThat(detached.watch()).as("no watch asked for").isNull();
        return detached.pid();
    }

    /** Runs detach mode with {@code script} (sh) as the helper, with {@code --watch} if not null. */
    private HelperProcess.Detached detached(String script, String watch) throws IOException {
        Path helper = dir.resolve("helper.sh");
        Files.writeString(helper, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        DaemonOptions options = DaemonOptions.builder().logFile(dir.resolve("log")).workDir(dir)
                .startTimeout(Duration.ofSeconds(60)).build();
        AtomicReference<ProcessHandle> daemon = new AtomicReference<>();
        HelperProcess.Detached detached = HelperProcess.detach(helper, options, null,
                List.of("/usr/bin/java", "-version"), System.nanoTime() + Duration.ofSeconds(60).toNanos(),
                daemon, null, watch);
        assertThat(daemon.get()).as("no daemon to kill").isNull();
        return detached;
    }
}
