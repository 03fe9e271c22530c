package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.helper.HelperBinary;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Security under hostile conditions (issue #5): the pidfile and the log are never opened through
 * a symbolic link, not even one planted after the launcher looked; the pidfile is 0644 whatever
 * the umasks; the helper runs only from a private directory and a tampered copy there is replaced
 * before it could run; the environment does not end up in logs.
 */
class SecurityIT extends WithExample {

    private static final String NAME = "daemon-examples";

    Path target;
    FileTime targetTime;

    @BeforeEach
    void setUp() throws Exception {
        target = Files.writeString(dir.resolve("precious"), "do not touch\n");
        targetTime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(target, targetTime);
    }

    private void assertTargetUntouched() throws Exception {
        assertThat(Files.readString(target)).isEqualTo("do not touch\n");
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(targetTime);
    }

    // ---- symbolic links ---------------------------------------------------------------------

    @Test
    void aPidFileThatIsASymlinkIsRefusedByEveryCommandAndItsTargetUntouched() throws Exception {
        Files.createSymbolicLink(example.pidFile, target);
        String why = "pidfile " + example.pidFile + " is a symbolic link; refusing to use it (remove it, "
                + "or choose a pidfile path in a directory only you can write)";

        Hostile.assertOneErrorLine(example.run(example.daemonCommand()), NAME + ": " + why, 6);
        Example.Result status = example.control("status");
        assertThat(status.out()).isEqualTo(NAME + ": status unknown: " + why + "\n");
        assertThat(status.exit()).isEqualTo(4);
        Hostile.assertOneErrorLine(example.control("stop"), NAME + ": cannot stop: " + why, 1);

        assertTargetUntouched();
        assertThat(Files.readSymbolicLink(example.pidFile)).isEqualTo(target);
        assertThat(example.processes()).isEmpty();
        assertThat(example.log).doesNotExist();
    }

    @Test
    void aDanglingPidFileSymlinkCreatesNothingThroughIt() throws Exception {
        Path nowhere = dir.resolve("would-be-created");
        Files.createSymbolicLink(example.pidFile, nowhere);

        Example.Result r = example.run(example.daemonCommand());

        assertThat(r.exit()).isEqualTo(6);
        assertThat(nowhere).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLogThatIsASymlinkIsRefusedAndItsTargetUntouched() throws Exception {
        Files.createSymbolicLink(example.log, target);

        Example.Result r = example.run(example.daemonCommand());

        Hostile.assertOneErrorLine(r, NAME + ": log file " + example.log + " is a symbolic link; refusing "
                + "to follow it (give the real path with --log)", 6);
        assertTargetUntouched();
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();

        Path nowhere = dir.resolve("would-be-created");
        Files.delete(example.log);
        Files.createSymbolicLink(example.log, nowhere);
        assertThat(example.run(example.daemonCommand()).exit()).isEqualTo(6);
        assertThat(nowhere).doesNotExist();
    }

    /** A symlink planted at the log path after the launcher checked it: the helper's O_NOFOLLOW refuses it. */
    @Test
    void aLogSymlinkPlantedAfterTheCheckIsRefusedByTheHelper() throws Exception {
        Path helper = FakeHelper.wrappedHelper(dir, "plant-log-link.sh",
                "ln -s " + target + " " + example.log, "\"$prog\" \"$@\"");

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.helper=" + helper)));

        Hostile.assertOneErrorLine(r, NAME + ": cannot start: cannot open log file " + example.log
                + ": Too many levels of symbolic links", 6);
        assertTargetUntouched();
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    /** A symlink planted at the pidfile path after the launcher checked it: the daemon refuses it. */
    @Test
    void aPidFileSymlinkPlantedAfterTheCheckIsRefusedByTheDaemon() throws Exception {
        Path helper = FakeHelper.wrappedHelper(dir, "plant-pid-link.sh",
                "ln -s " + target + " " + example.pidFile, "\"$prog\" \"$@\"");

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.helper=" + helper)));

        Hostile.assertOneErrorLine(r, NAME + ": failed to start: pidfile " + example.pidFile + " is a "
                + "symbolic link; refusing to use it (remove it, or choose a pidfile path in a directory "
                + "only you can write) (see " + example.log + ")", 1);
        assertTargetUntouched();
        assertThat(Files.isSymbolicLink(example.pidFile)).isTrue();
        Example.awaitTrue(() -> example.processes().isEmpty(), "the refused daemon to exit");
        assertThat(Hostile.list(dir)).noneMatch(name -> name.endsWith(".tmp"));
    }

    // ---- modes -------------------------------------------------------------------------------

    /** The launcher's umask (000, 077) and the daemon's --umask do not change the pidfile's 0644. */
    @ParameterizedTest(name = "umask {0}")
    @ValueSource(strings = {"000", "077"})
    void thePidFileIs0644WhateverTheUmask(String umask) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "umask " + umask + "; exec \"$@\"",
                "with-umask"));
        cmd.addAll(example.daemonCommand("--umask=" + umask));

        Example.Result r = example.run(cmd);

        assertThat(r.exit()).as(r.err()).isZero();
        long pid = r.startedPid();
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        assertThat(mode(example.pidFile)).isEqualTo("rw-r--r--");
        assertThat(new Proc(pid).status("Umask")).isEqualTo("0" + umask);
        // The log is created by the helper under --umask (here the launcher's too), from mode 0644.
        assertThat(mode(example.log)).isEqualTo(umask.equals("000") ? "rw-r--r--" : "rw-------");
    }

    // ---- the helper's cache ------------------------------------------------------------------

    /**
     * The cache the launcher makes is private (0700 even under umask 000) before the helper is
     * placed there. An existing one that is not private is refused, never chmodded:
     * {@code BadInputIT.aCacheDirectoryThatIsNotPrivateIsRefusedNotChmodded}.
     */
    @Test
    void theHelperCacheIsMadePrivateBeforeTheHelperIsPlacedThere() throws Exception {
        Path cache = dir.resolve("cache");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "umask 000; exec \"$@\"", "with-umask"));
        cmd.addAll(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));
        Example.Result r = example.run(cmd);
        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        long pid = r.startedPid();

        assertThat(mode(cache)).isEqualTo("rwx------");
        assertThat(Hostile.list(cache)).containsExactly(helperName());
        Path helper = cache.resolve(helperName());
        assertThat(mode(helper)).isEqualTo("r-x------");
        assertThat(Files.getAttribute(helper, "unix:uid")).isEqualTo(Files.getAttribute(dir, "unix:uid"));
        assertThat(Example.get(example.port(), "/pid")).isEqualTo(Long.toString(pid));
    }

    /**
     * A cached helper replaced by something else of the same size and mode: the next start puts
     * the packaged helper back and runs that; the impostor never runs.
     */
    @Test
    void aTamperedCachedHelperIsReplacedAndNeverExecuted() throws Exception {
        Path cache = dir.resolve("cache");
        long first = startWithCache(cache);
        assertThat(example.control("stop").exit()).isZero();
        Example.awaitGone(first);

        Path helper = cache.resolve(helperName());
        byte[] packaged = FakeHelper.packagedHelper();
        Path marker = dir.resolve("impostor-ran");
        String script = "#!/bin/sh\necho impostor > " + marker + "\necho pid 1\nexit 0\n#";
        byte[] impostor = new byte[packaged.length];
        byte[] head = script.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.Arrays.fill(impostor, (byte) '#');
        System.arraycopy(head, 0, impostor, 0, head.length);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Files.write(helper, impostor);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("r-x------"));

        long second = startWithCache(cache);

        assertThat(marker).as("the impostor ran").doesNotExist();
        assertThat(Files.readAllBytes(helper)).isEqualTo(packaged);
        assertThat(mode(helper)).isEqualTo("r-x------");
        assertThat(Hostile.list(cache)).containsExactly(helperName());
        assertThat(Example.get(example.port(), "/pid")).isEqualTo(Long.toString(second));
    }

    @Test
    void aCacheOwnedByAnotherUserIsRefusedAndNothingInItRuns() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to give a directory to another user");
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Path marker = dir.resolve("impostor-ran");
        Path planted = FakeHelper.script(cache.resolve(helperName()),
                "#!/bin/sh\necho impostor > " + marker + "\necho pid 1\n");
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        assertThat(Hostile.quietly(List.of("chown", "-R", "nobody:nogroup", cache.toString()))).isZero();

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));

        Hostile.assertOneErrorLine(r, NAME + ": no private directory for the daemon helper (" + cache
                + " belongs to nobody, not to this user); set -Djdaemon.cache=DIR to a directory only "
                + "you can write", 5);
        assertThat(marker).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aCacheThatIsASymlinkIsRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real-cache"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path cache = Files.createSymbolicLink(dir.resolve("cache"), real);

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));

        Hostile.assertOneErrorLine(r, NAME + ": no private directory for the daemon helper (" + cache
                + " is not a directory); set -Djdaemon.cache=DIR to a directory only you can write", 5);
        assertThat(Hostile.list(real)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    // ---- the environment ---------------------------------------------------------------------

    /** A secret in the environment reaches the daemon (it is its environment) but no log or output. */
    @Test
    void theEnvironmentIsNotDumpedIntoTheLogOrTheLaunchersOutput() throws Exception {
        String secret = "s3cr3t-" + System.nanoTime();
        ProcessBuilder ok = new ProcessBuilder(example.daemonCommand());
        ok.environment().put("JDAEMON_TEST_SECRET", secret);
        Example.Result started = example.run(ok);
        assertThat(started.exit()).as(started.err()).isZero();
        long pid = started.startedPid();
        assertThat(new Proc(pid).environ()).contains("JDAEMON_TEST_SECRET=" + secret);
        assertThat(example.control("stop").exit()).isZero();
        Example.awaitGone(pid);

        ProcessBuilder failing = new ProcessBuilder(example.daemonCommand("--fail-before-ready"));
        failing.environment().put("JDAEMON_TEST_SECRET", secret);
        Example.Result failed = example.run(failing);
        assertThat(failed.exit()).isEqualTo(1);

        assertThat(example.logText()).isNotEmpty().doesNotContain(secret);
        assertThat(started.out() + started.err() + failed.out() + failed.err()).doesNotContain(secret);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private long startWithCache(Path cache) {
        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));
        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        long pid = r.startedPid();
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        return pid;
    }

    private static String helperName() throws Exception {
        return HelperBinary.fileName(FakeHelper.packagedHelper());
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
