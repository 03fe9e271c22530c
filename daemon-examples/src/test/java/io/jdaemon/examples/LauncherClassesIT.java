package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The launching JVM of {@code --daemon} and the control commands load no JNA class (no native
 * library either, so nothing on their path pays for one): what each JVM loaded, from its own
 * {@code -Xlog:class+load} file ({@code %p} names it by PID; the daemon re-executes the option
 * and logs to a file of its own).
 */
class LauncherClassesIT extends WithExample {

    @Test
    void theLauncherAndTheControlCommandsLoadNoJnaClass() throws Exception {
        Path logs = Files.createDirectory(dir.resolve("class-logs"));
        List<String> xlog = List.of("-Xlog:class+load=info:file=" + logs + "/cl-%p.log");

        Example.Result start = example.run(Hostile.daemonCommand(example, xlog));
        assertThat(start.exit()).as("launcher stderr: %s", start.err()).isZero();
        long daemon = start.startedPid();
        Path daemonLog = logs.resolve("cl-" + daemon + ".log");
        Path launcherLog = only(logs, daemonLog);

        Example.Result status = example.run(withOptions(xlog, example.command("--daemon=status",
                "--pidfile=" + example.pidFile)));
        assertThat(status.exit()).as("status stderr: %s", status.err()).isZero();
        Path statusLog = only(logs, daemonLog, launcherLog);

        Example.Result stop = example.run(withOptions(xlog, example.command("--daemon=stop",
                "--pidfile=" + example.pidFile)));
        assertThat(stop.exit()).as("stop stderr: %s", stop.err()).isZero();
        Example.awaitGone(daemon);
        Path stopLog = only(logs, daemonLog, launcherLog, statusLog);

        assertThat(Files.readString(launcherLog)).as("the launcher's class loads")
                .contains("io.jdaemon.internal.launch.Launcher ").doesNotContain("com.sun.jna");
        assertThat(Files.readString(statusLog)).as("status's class loads")
                .contains("io.jdaemon.internal.control.Control ").doesNotContain("com.sun.jna");
        assertThat(Files.readString(stopLog)).as("stop's class loads")
                .contains("io.jdaemon.internal.control.Control ").doesNotContain("com.sun.jna");
        // The daemon logged too: the files above are the other JVMs', not an empty option.
        assertThat(Files.readString(daemonLog)).contains("io.jdaemon.internal.daemon.ServiceSide ");
    }

    private static List<String> withOptions(List<String> options, List<String> command) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(cmd.indexOf("-jar"), options);
        return cmd;
    }

    /** The one file in {@code dir} that is none of {@code known}. */
    private static Path only(Path dir, Path... known) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> rest = files.filter(f -> !List.of(known).contains(f)).toList();
            assertThat(rest).as("new class-load files in %s", dir).hasSize(1);
            return rest.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
