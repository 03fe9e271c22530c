package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reload ({@code --sighup=reload}) reopens the log without ever blocking or following what was
 * planted at its path (a FIFO, a symlink, a directory, a hard link, another user's file): it keeps
 * the old descriptors and says so in the log (issue 10, item 5). And with no SLF4J provider (the
 * example jar stripped of slf4j-simple), the reopen's and the reload callbacks' errors still reach
 * the log, on stderr, prefixed {@code jdaemon:}.
 */
class ReloadReopenIT extends WithExample {

    Path jar;

    @BeforeEach
    void jarWithoutSlf4jProvider() throws Exception {
        jar = Files.copy(Example.JAR, dir.resolve("no-provider.jar"));
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Files.deleteIfExists(zip.getPath("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"));
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = example.command(args);
        cmd.set(cmd.indexOf(Example.JAR.toString()), jar.toString());
        return cmd;
    }

    private long start(String... more) {
        List<String> cmd = new ArrayList<>(command("--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--port=0", "--sighup=reload"));
        cmd.addAll(List.of(more));
        Example.Result r = example.run(cmd);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.startedPid();
    }

    private void reload() {
        Example.Result r = example.run(command("--daemon=reload", "--pidfile=" + example.pidFile));
        assertThat(r.exit()).as(r.err()).isZero();
    }

    /** {@code --daemon=reload}, which must fail with this one line (exit 1): the daemon said so. */
    private void reloadFails(String line) {
        Example.Result r = example.run(command("--daemon=reload", "--pidfile=" + example.pidFile));
        Hostile.assertOneErrorLine(r, "no-provider: " + line, 1);
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void aReloadCallbackThatThrowsIsInTheLogWithItsStackTrace() {
        long pid = start("--fail-reload");
        int port = example.port();

        reloadFails("pid " + pid + " reopened its log, but a reload callback failed; see its log");

        // the stack trace follows its first line in writes of its own: wait for one of its frames
        Example.awaitTrue(() -> example.logText().contains("\tat io.jdaemon.examples.HealthService"),
                "the failure and its stack trace in the log");
        assertThat(example.logText()).contains("jdaemon: reload callback ")
                .contains("failed: java.lang.IllegalStateException: failing on reload, as asked by --fail-reload")
                .containsPattern("\tat io\\.jdaemon\\.examples\\.HealthService")
                // the library never makes SLF4J warn that it has no provider (issue 21, item 4)
                .doesNotContain("SLF4J");
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(Example.get(port, "/health")).isEqualTo("ok");
    }

    /**
     * For each thing planted at the log's path after logrotate-style renaming, a reload keeps
     * writing to the renamed file, says why in it, and leaves the planted thing as it was; then
     * with a plain path again, the reload opens a new log.
     */
    @Test
    void aReopenOfSomethingThatIsNoLogKeepsTheOldLogAndSaysSo() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        long pid = start();
        int port = example.port();
        Path rotated = dir.resolve("example.log.1");
        Files.move(example.log, rotated);
        Path rootFile = Files.writeString(dir.resolve("root-file"), "root's\n");

        List<String> kinds = List.of("fifo", "symlink", "directory", "hardlink", "nobody's file");
        for (String kind : kinds) {
            switch (kind) {
                case "fifo":
                    assertThat(Hostile.quietly(List.of("mkfifo", example.log.toString()))).isZero();
                    break;
                case "symlink":
                    Files.createSymbolicLink(example.log, rootFile);
                    break;
                case "directory":
                    Files.createDirectory(example.log);
                    break;
                case "hardlink":
                    Files.createLink(example.log, rootFile);
                    break;
                default:
                    Files.writeString(example.log, "");
                    assertThat(Hostile.quietly(List.of("chown", "nobody", example.log.toString()))).isZero();
                    break;
            }
            int before = text(rotated).split("jdaemon: reload: ", -1).length;

            reloadFails("pid " + pid + " could not reopen its log and still writes to the previous file; "
                    + "the reason is in that file");

            assertThat(text(rotated).split("jdaemon: reload: ", -1).length).as(kind).isGreaterThan(before);
            assertThat(text(rotated)).as(kind).contains("jdaemon: reload: ")
                    .contains(example.log + "").contains("; output still goes to the previous log file");
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/1"))).as(kind).isEqualTo(rotated);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/2"))).as(kind).isEqualTo(rotated);
            assertThat(rootFile).as(kind).hasContent("root's");
            assertThat(Example.get(port, "/health")).as(kind).isEqualTo("ok");
            if (Files.isDirectory(example.log, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(example.log);
            } else {
                Files.deleteIfExists(example.log);
            }
        }

        reload();

        assertThat(example.logText()).as("written before reload returned").contains("daemon-examples reloaded");
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/1"))).isEqualTo(example.log);
    }

    /**
     * Native access for the reopen is loaded before the daemon is announced: where it cannot be
     * (here JNA is told to find its library nowhere) the start fails and says why, instead of
     * every later reload failing while {@code reload} says it worked (issue 20, item 19).
     */
    @Test
    void aReopenThatCouldNeverWorkFailsTheStart() {
        List<String> cmd = new ArrayList<>(command("--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--port=0", "--sighup=reload"));
        cmd.addAll(1, List.of("-Djna.nosys=true", "-Djna.nounpack=true",
                "-Djna.boot.library.path=" + dir.resolve("nowhere")));
        Example.Result r = example.run(cmd);

        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.err()).startsWith("no-provider: failed to start: --sighup=reload reopens " + example.log
                + " through JNA, whose native library cannot be loaded here (");
        Hostile.assertNoStackTrace(r);
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    /**
     * A SIGHUP sent to the PID the pidfile names as soon as the pidfile is complete (a
     * logrotate postrotate racing a start) meets the reload policy, not the JVM's default
     * (exit 129): the policy is in force before the pidfile is written (issue 20, item 21).
     */
    @Test
    void aSighupAsSoonAsThePidFileAppearsIsAReload() throws Exception {
        Process launcher = new ProcessBuilder(command("--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--port=0", "--sighup=reload")).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.out").toFile()).start();
        // A shell that is already running sends the signal with its builtin kill: no process
        // start between seeing the PID and signalling it.
        Process killer = new ProcessBuilder("sh", "-c", "read p && kill -HUP \"$p\"").start();
        long pid = 0;
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (pid == 0 && launcher.isAlive() && System.nanoTime() < deadline) {
                String text = Files.exists(example.pidFile) ? text(example.pidFile) : "";
                if (text.matches("[0-9]+\n")) {
                    pid = Long.parseLong(text.strip());
                    killer.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    killer.getOutputStream().flush();
                }
            }
            assertThat(killer.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            launcher.destroyForcibly();
            killer.destroyForcibly();
        }
        assertThat(pid).as("the pidfile appeared; launcher said %s", text(dir.resolve("launcher.out")))
                .isPositive();
        assertThat(text(dir.resolve("launcher.out"))).isEqualTo("no-provider started, pid " + pid + "\n");
        assertThat(launcher.exitValue()).isZero();
        assertThat(new Proc(pid).alive()).isTrue();
    }
}
