package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Processes#isAlive}, which stop and the launcher's watchdog rely on, against processes in
 * awkward states: exited and reaped, a zombie nobody reaps, stopped, and one whose name is made
 * to fool a naive parser of /proc/PID/stat.
 */
@EnabledOnOs(OS.LINUX)
class ProcessesTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private Process start(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static char state(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        return s.charAt(s.lastIndexOf(')') + 2);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The PID namespace as the kernel names it, the same as /proc/self/ns/pid says. */
    @Test
    void thePidNamespaceIsTheKernelsName() throws IOException {
        assertThat(Processes.pidNamespace()).matches("pid:\\[[0-9]+\\]")
                .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
    }

    @Test
    void thisProcessIsAlive() {
        assertThat(Processes.isAlive(ProcessHandle.current().pid())).isTrue();
    }

    @Test
    void aProcessThatExitedAndWasReapedIsNot() throws Exception {
        Process p = start("true");
        p.waitFor();
        await(() -> !Files.exists(Path.of("/proc", Long.toString(p.pid()))), "the process to be reaped");
        assertThat(Processes.isAlive(p.pid())).isFalse();
    }

    @Test
    void pidsThatCannotExistAreNotAlive() {
        assertThat(Processes.isAlive(Integer.MAX_VALUE)).isFalse();
        assertThat(Processes.isAlive(0)).isFalse();
        assertThat(Processes.isAlive(-1)).isFalse();
    }

    /** A zombie: exited, never reaped (its parent exec'd sleep, which never waits). */
    @Test
    void aZombieIsNotAlive() throws Exception {
        Process parent = start("sh", "-c", "sleep 0 & echo $!; exec sleep 600");
        long zombie;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.US_ASCII))) {
            zombie = Long.parseLong(r.readLine().trim());
        }
        await(() -> {
            try {
                return state(zombie) == 'Z';
            } catch (IOException e) {
                return false;
            }
        }, "pid " + zombie + " to become a zombie");

        assertThat(Processes.isAlive(zombie)).isFalse();
        assertThat(Processes.isAlive(parent.pid())).isTrue();
    }

    /** A stopped process (SIGSTOP) still exists and still holds its locks: alive. */
    @Test
    void aStoppedProcessIsAlive() throws Exception {
        Process p = start("sleep", "600");
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor()).isZero();
        await(() -> {
            try {
                return state(p.pid()) == 'T';
            } catch (IOException e) {
                return false;
            }
        }, "the process to stop");

        assertThat(Processes.isAlive(p.pid())).isTrue();
    }

    /** The command name is in parentheses and may contain ") Z ": the state is after the last ')'. */
    @Test
    void aProcessNamedToLookLikeAZombieIsAlive() throws Exception {
        Path sleep = dir.resolve("a) Z (b");
        Files.copy(Path.of("/bin/sleep"), sleep, StandardCopyOption.COPY_ATTRIBUTES);
        Process p = start(sleep.toString(), "600");
        await(() -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).contains("(a) Z (b)");
            } catch (IOException e) {
                return false;
            }
        }, "the process to run under its odd name");

        assertThat(Processes.isAlive(p.pid())).isTrue();
    }
}
