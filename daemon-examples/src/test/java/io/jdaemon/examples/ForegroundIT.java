package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without {@code --daemon} the library's flags are not silently dropped: {@code --pidfile} is
 * written, locked and removed as for a daemon, so status and stop (and supervisors) work on a
 * foreground service; {@code --log} is ignored with one line on stderr saying so.
 */
class ForegroundIT extends WithExample {

    private Process startForeground(String name) throws Exception {
        List<String> cmd = example.command("--pidfile=" + example.pidFile, "--log=" + example.log,
                "--port=0");
        return new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    private String read(String file) throws IOException {
        Path path = dir.resolve(file);
        return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
    }

    /** Waits until the service started as {@code name} printed its port on stdout. */
    private void awaitListening(String name) {
        Example.awaitTrue(() -> {
            try {
                return read(name + ".out").contains("listening on port");
            } catch (IOException e) {
                return false;
            }
        }, name + " to listen");
    }

    @Test
    void aForegroundServiceHasItsPidFileAndCanBeStopped() throws Exception {
        Process service = startForeground("first");
        long pid = service.pid();
        Example.awaitTrue(() -> example.pidFile.toFile().isFile()
                && example.pidFileContent().equals(pid + "\n"), "pidfile naming " + pid);
        assertThat(new Proc(pid).locks()).as("the pidfile's lock").anyMatch(l -> l.contains("POSIX"));
        awaitListening("first");
        assertThat(read("first.err")).isEqualTo("daemon-examples: --log is ignored without --daemon: "
                + "output stays where it goes now (add --daemon, or redirect it)\n");
        assertThat(Files.exists(example.log)).as("no log file was created").isFalse();

        Example.Result status = example.control("status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).isEqualTo("daemon-examples is running, pid " + pid + "\n");

        Process second = startForeground("second");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertThat(read("second.out")).isEqualTo("daemon-examples already running, pid " + pid + "\n");
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");

        Example.Result stop = example.control("stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo("daemon-examples stopped, pid " + pid + "\n");
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).as("SIGTERM: shutdown hooks, 143").isEqualTo(143);
        assertThat(read("first.out")).contains("daemon-examples stopping");
        assertThat(Files.exists(example.pidFile)).as("pidfile removed on exit").isFalse();
    }

    @Test
    void withoutFlagsNothingIsWrittenOrSaid() throws Exception {
        Process service = new ProcessBuilder(example.command("--port=0")).directory(dir.toFile())
                .redirectOutput(dir.resolve("plain.out").toFile())
                .redirectError(dir.resolve("plain.err").toFile())
                .start();
        awaitListening("plain");
        assertThat(read("plain.err")).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("tmp", "plain.out", "plain.err");
        }
        service.destroy();
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
}
