package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paths the user may not use, and daemons that belong to another user (issue #5). Root bypasses
 * permission bits, so these run the launcher as user {@code nobody} (setpriv), or use a read-only
 * mount, which binds root too. Skipped, with the reason, where neither is possible.
 */
class PermissionsIT extends WithExample {

    private static final String NAME = "daemon-examples";

    Path readOnly;
    Path mount;

    @BeforeEach
    void setUp() throws Exception {
        // nobody must be able to enter the test's directory, but not write it
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    @AfterEach
    void tearDown() {
        Namespaces.unmount(mount);
    }

    private Example.Result asNobody(String... args) {
        return example.run(OtherUser.asNobody(example.command(args)));
    }

    // ---- as another user: permission bits ---------------------------------------------------

    @Test
    void aPidFileDirectoryTheUserCannotWriteIsRefused() {
        OtherUser.assumeCanRunAsNobody();
        Path pid = readOnly.resolve("x.pid");

        Example.Result r = asNobody("--daemon", "--pidfile=" + pid, "--port=0");

        Hostile.assertOneErrorLine(r, NAME + ": pidfile directory " + readOnly + " is not writable by "
                + "this user; choose another --pidfile or fix its permissions", 6);
        assertThat(Hostile.list(readOnly)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLogDirectoryTheUserCannotWriteIsRefused() {
        OtherUser.assumeCanRunAsNobody();
        Path nb = OtherUser.nobodyDir(dir.resolve("nb"));

        Example.Result r = asNobody("--daemon", "--pidfile=" + nb.resolve("x.pid"),
                "--log=" + readOnly.resolve("x.log"), "--port=0");

        Hostile.assertOneErrorLine(r, NAME + ": log directory " + readOnly + " is not writable by this "
                + "user; choose another --log or fix its permissions", 6);
        assertThat(Hostile.list(readOnly)).isEmpty();
        assertThat(Hostile.list(nb)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLogFileTheUserCannotWriteIsRefused() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Path nb = OtherUser.nobodyDir(dir.resolve("nb"));
        Path log = Files.writeString(dir.resolve("root.log"), "root's\n");

        Example.Result r = asNobody("--daemon", "--pidfile=" + nb.resolve("x.pid"), "--log=" + log,
                "--port=0");

        Hostile.assertOneErrorLine(r, NAME + ": log file " + log + " is not writable by this user; fix "
                + "its permissions or choose another --log", 6);
        assertThat(Files.readString(log)).isEqualTo("root's\n");
        assertThat(Hostile.list(nb)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aPidFileTheUserCannotReadIsReportedByEveryCommand() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Path nb = OtherUser.nobodyDir(dir.resolve("nb"));
        Path pid = Files.writeString(nb.resolve("x.pid"), "123\n");
        Files.setPosixFilePermissions(pid, PosixFilePermissions.fromString("rw-------"));
        String why = "cannot read pidfile " + pid + ": permission denied; check its permissions";

        Example.Result status = asNobody("--daemon=status", "--pidfile=" + pid);
        assertThat(status.out()).isEqualTo(NAME + ": status unknown: " + why + "\n");
        assertThat(status.exit()).isEqualTo(4);
        Hostile.assertOneErrorLine(asNobody("--daemon=stop", "--pidfile=" + pid), NAME + ": cannot stop: " + why, 1);
        Hostile.assertOneErrorLine(asNobody("--daemon", "--pidfile=" + pid, "--log=" + nb.resolve("x.log"),
                "--port=0"), NAME + ": " + why, 6);

        assertThat(Files.readString(pid)).isEqualTo("123\n");
        assertThat(example.processes()).isEmpty();
    }

    // ---- a read-only mount binds root too ----------------------------------------------------

    @Test
    void aReadOnlyMountIsRefusedForThePidFileAndTheLogEvenForRoot() {
        mount = dir.resolve("ro-mount");
        Namespaces.mountTmpfsOrSkip(mount, "ro");

        Hostile.assertOneErrorLine(example.run(example.command("--daemon", "--pidfile=" + mount.resolve("x.pid"),
                "--port=0")), NAME + ": pidfile directory " + mount + " is not writable by this user; "
                + "choose another --pidfile or fix its permissions", 6);
        Hostile.assertOneErrorLine(example.run(example.command("--daemon", "--pidfile=" + example.pidFile,
                "--log=" + mount.resolve("x.log"), "--port=0")), NAME + ": log directory " + mount
                + " is not writable by this user; choose another --log or fix its permissions", 6);
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    // ---- a user other than root --------------------------------------------------------------

    /**
     * The positive control for the cases above: an ordinary user starts and stops a daemon with
     * files in its own directory and its own helper cache.
     */
    @Test
    void anOrdinaryUserCanStartAndStopADaemon() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Path nb = OtherUser.nobodyDir(dir.resolve("nb"));
        Path pid = nb.resolve("x.pid");
        Path log = nb.resolve("x.log");

        Example.Result r = example.run(OtherUser.asNobody(Hostile.java(
                List.of("-Djdaemon.cache=" + nb.resolve("cache")),
                "--daemon", "--pidfile=" + pid, "--log=" + log, "--port=0")));

        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        long daemon = r.startedPid();
        assertThat(Files.readString(pid)).isEqualTo(daemon + "\n");
        assertThat(new Proc(daemon).status("Uid")).startsWith("65534\t");

        Example.Result stop = asNobody("--daemon=stop", "--pidfile=" + pid);
        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + daemon + "\n");
        assertThat(new Proc(daemon).alive()).isFalse();
    }

    /**
     * Another user's stop cannot signal root's daemon: it must say so at once, not report a
     * timeout after waiting for a SIGTERM that was never delivered (nor, with --force, a SIGKILL
     * the daemon "survived").
     */
    @Test
    void aStopByAnotherUserSaysItIsNotPermitted() {
        OtherUser.assumeCanRunAsNobody();
        long pid = example.startDaemon();

        Example.Result stop = asNobody("--daemon=stop", "--pidfile=" + example.pidFile, "--stop-timeout=1");
        Example.Result forced = asNobody("--daemon=stop", "--force", "--pidfile=" + example.pidFile,
                "--stop-timeout=1");

        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        for (Example.Result r : List.of(stop, forced)) {
            Hostile.assertNoStackTrace(r);
            assertThat(r.exit()).isNotZero();
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).as("exit %d", r.exit())
                    .containsPattern("(?i)(permission|not permitted|privilege)")
                    .contains(Long.toString(pid));
        }
    }

    /** Another user's reload: refused with a line about permission, not about a missing /proc. */
    @Test
    void aReloadByAnotherUserSaysItIsNotPermitted() {
        OtherUser.assumeCanRunAsNobody();
        long pid = example.startDaemon("--sighup=reload");

        Example.Result r = asNobody("--daemon=reload", "--pidfile=" + example.pidFile);

        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(example.logText()).doesNotContain("reloaded");
        Hostile.assertNoStackTrace(r);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).as("exit %d", r.exit())
                .doesNotContain("/proc mounted")
                .doesNotContain("java.nio")
                .containsPattern("(?i)(permission|not permitted|privilege)");
    }
}
