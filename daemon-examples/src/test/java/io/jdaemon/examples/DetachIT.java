package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example started with --daemon, seen from outside through /proc: the items of
 * CHECKLIST.md. The launcher is started from a shell that holds an extra descriptor, ignores
 * INT, QUIT and TERM (as a background job of a script would) and has its own umask, so that
 * what the daemon must not inherit is there to be inherited.
 */
class DetachIT {

    @TempDir
    static Path dir;
    static Example example;
    static Path workDir;
    static Path extraFile;
    static Example.Result launch;
    static long launcherPid;
    static Proc daemon;

    @BeforeAll
    static void start() throws Exception {
        example = new Example(dir);
        workDir = Files.createDirectory(dir.resolve("work"));
        extraFile = Files.writeString(dir.resolve("extra-fd"), "held open by the launching shell");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                "umask 077; trap '' INT QUIT TERM; exec 7<\"$0\"; echo $$ >&2; exec \"$@\"",
                extraFile.toString()));
        cmd.addAll(example.daemonCommand("--workdir=" + workDir, "--umask=027"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DETACH_IT_MARK", "kept");
        launch = example.run(pb);
        assertThat(launch.exit()).as("launcher stderr: %s", launch.err()).isZero();
        launcherPid = Long.parseLong(launch.err().lines().findFirst().orElseThrow().trim());
        daemon = new Proc(launch.startedPid());
    }

    @AfterAll
    static void stop() {
        example.close();
    }

    @Test
    void launcherPrintsOneLineAndTheDaemonServes() {
        assertThat(launch.out()).isEqualTo("daemon-examples started, pid " + daemon.pid + "\n");
        int port = example.port();
        assertThat(Example.get(port, "/health")).isEqualTo("ok");
        assertThat(Example.get(port, "/pid")).isEqualTo(Long.toString(daemon.pid));
    }

    @Test
    void reparentedAwayFromTheLauncher() {
        assertThat(daemon.alive()).isTrue();
        assertThat(daemon.ppid()).isNotEqualTo(launcherPid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(new Proc(launcherPid).alive()).isFalse();
    }

    @Test
    void inANewSessionButNotItsLeader() {
        assertThat(daemon.session()).isNotEqualTo(daemon.pid);
        assertThat(daemon.pgrp()).isNotEqualTo(daemon.pid);
        assertThat(daemon.session()).isNotEqualTo(new Proc(ProcessHandle.current().pid()).session());
    }

    @Test
    void noControllingTerminal() {
        assertThat(daemon.ttyNr()).isZero();
        assertThat(daemon.tpgid()).isEqualTo(-1);
    }

    @Test
    void stdioIsDevNullAndTheLog() {
        Map<Integer, String> fds = daemon.fds();
        assertThat(fds.get(0)).isEqualTo("/dev/null");
        assertThat(fds.get(1)).isEqualTo(example.log.toString());
        assertThat(fds.get(2)).isEqualTo(example.log.toString());
    }

    @Test
    void inheritsNoDescriptor() {
        Map<Integer, String> fds = daemon.fds();
        assertThat(fds.values()).doesNotContain(extraFile.toString());
        assertThat(fds.values()).noneMatch(target -> target.startsWith("pipe:"));
        assertThat(fds.values()).noneMatch(target -> target.startsWith("/dev/pts"));
        // The launcher's pipes are held by this test JVM too: none of them may be shared.
        List<String> mine = new ArrayList<>(new Proc(ProcessHandle.current().pid()).fds().values());
        mine.removeIf(target -> !target.startsWith("pipe:") && !target.startsWith("socket:"));
        assertThat(fds.values()).doesNotContainAnyElementsOf(mine);
    }

    @Test
    void umaskAndWorkingDirectoryAsConfigured() {
        assertThat(daemon.status("Umask")).isEqualTo("0027");
        assertThat(daemon.cwd()).isEqualTo(workDir.toString());
    }

    /** The helper creates the log under --umask=027, not the launching shell's 077 (issue 20, item 13). */
    @Test
    void theLogIsCreatedWithTheDaemonsUmask() throws Exception {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(example.log))).isEqualTo("rw-r-----");
    }

    @Test
    void byDefaultTheWorkingDirectoryIsTheLaunchingOneAndTheUmask022() throws Exception {
        Path defaults = Files.createDirectory(dir.resolve("defaults"));
        try (Example plain = new Example(defaults)) {
            Proc d = new Proc(plain.startDaemon()); // launched in DIR/defaults
            assertThat(d.cwd()).isEqualTo(defaults.toRealPath().toString());
            assertThat(d.status("Umask")).isEqualTo("0022");
        }
    }

    @Test
    void workdirRootGivesDaemon3sBehaviour() throws Exception {
        try (Example root = new Example(Files.createDirectory(dir.resolve("root")))) {
            Proc d = new Proc(root.startDaemon("--workdir=/"));
            assertThat(d.cwd()).isEqualTo("/");
        }
    }

    @Test
    void signalsResetNotInherited() {
        long hupIntTerm = 0x1 | 0x2 | 0x4000;
        assertThat(Proc.mask(daemon.status("SigBlk"))).isZero();
        for (Path thread : daemon.threadStatusFiles()) {
            if (Files.exists(thread)) {
                assertThat(Proc.mask(Proc.status(thread, "SigBlk")) & hupIntTerm).as(thread.toString())
                        .isZero();
            }
        }
        assertThat(Proc.mask(daemon.status("SigIgn")) & (hupIntTerm | 0x4)).isZero();
        assertThat(Proc.mask(daemon.status("SigCgt")) & 0x4000).isNotZero();
    }

    @Test
    void environmentIntactAndMarkerOnce() {
        assertThat(daemon.environ()).contains("DETACH_IT_MARK=kept");
        List<String> cmdline = daemon.cmdline();
        assertThat(cmdline.stream().filter(a -> a.startsWith("-Djdaemon.launcher="))).hasSize(1);
        assertThat(cmdline.stream().filter(a -> a.equals("-jar"))).hasSize(1);
        assertThat(cmdline.get(0)).isEqualTo(Example.JAVA);
        assertThat(cmdline).contains(Example.JAR.toAbsolutePath().toString());
    }

    @Test
    void pidFileCompleteLockedAndPrivate() throws Exception {
        assertThat(example.pidFileContent()).matches("[0-9]+\n").isEqualTo(daemon.pid + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(example.pidFile)))
                .isEqualTo("rw-r--r--");
        long inode = (Long) Files.getAttribute(example.pidFile, "unix:ino");
        assertThat(daemon.locks()).anyMatch(line -> line.contains("POSIX")
                && line.matches(".*:" + inode + " .*"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void secondStartIsANoOp() {
        Example.Result again = example.run(example.daemonCommand());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo("daemon-examples already running, pid " + daemon.pid + "\n");
        assertThat(example.pidFileContent()).isEqualTo(daemon.pid + "\n");
        assertThat(example.processes()).containsExactly(daemon.pid);
    }
}
