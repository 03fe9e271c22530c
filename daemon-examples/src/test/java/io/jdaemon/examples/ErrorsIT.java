package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults of the system rather than of the flags (issue 10, item 7), each named for what it is in
 * one line with the right exit status, and nothing left behind: a full, missing or read-only
 * java.io.tmpdir, a low open-files or process limit, /dev/null that is not the null device, a
 * pidfile path that is a directory or whose name is too long.
 */
class ErrorsIT extends WithExample {

    private static final String NAME = "daemon-examples";
    private static final String TMP_FIX = "; fix it or start with -Djava.io.tmpdir=DIR, a directory "
            + "only root or you can write (or a sticky one, as /tmp)";

    Path mount;

    @AfterEach
    void unmount() {
        Namespaces.unmount(mount);
    }

    private void assertNothingLeft() {
        Example.awaitTrue(() -> example.processes().isEmpty(), "every process of the test to exit");
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.log).doesNotExist();
    }

    private Example.Result startWithTmp(Path tmp) {
        return example.run(Hostile.daemonCommand(example, List.of("-Djava.io.tmpdir=" + tmp)));
    }

    @Test
    void aFullTemporaryDirectoryIsNamedAndLeftAsItWas() throws Exception {
        mount = dir.resolve("full");
        Namespaces.mountTmpfsOrSkip(mount, "size=16k,mode=1777");
        // fill it up
        Hostile.quietly(List.of("dd", "if=/dev/zero", "of=" + mount.resolve("filler"), "bs=4k"));

        Example.Result r = startWithTmp(mount);

        Hostile.assertOneErrorLine(r, NAME + ": java.io.tmpdir " + mount + " cannot hold the readiness "
                + "handshake: no space left on device" + TMP_FIX, 6);
        assertThat(Hostile.list(mount)).containsExactly("filler");
        assertNothingLeft();
    }

    @Test
    void aMissingTemporaryDirectoryIsNamed() {
        Path tmp = dir.resolve("missing");

        Example.Result started = startWithTmp(tmp);
        // JDK 25's own line at start-up; ours must be the only other one.
        Example.Result r = new Example.Result(started.exit(),
                started.out(), started.err().replace("WARNING: java.io.tmpdir directory does not exist\n", ""));

        Hostile.assertOneErrorLine(r, NAME + ": java.io.tmpdir " + tmp + " cannot hold the readiness "
                + "handshake: it does not exist" + TMP_FIX, 6);
        assertNothingLeft();
    }

    @Test
    void aReadOnlyTemporaryDirectoryIsNamed() {
        mount = dir.resolve("ro");
        Namespaces.mountTmpfsOrSkip(mount, "ro,mode=1777");

        Example.Result r = startWithTmp(mount);

        Hostile.assertOneErrorLine(r, NAME + ": java.io.tmpdir " + mount + " cannot hold the readiness "
                + "handshake: read-only file system" + TMP_FIX, 6);
        assertNothingLeft();
    }

    @Test
    void aLowOpenFilesLimitIsNamed() {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n 12 && exec \"$@\"", "bash"));
        cmd.addAll(example.daemonCommand());

        Example.Result r = example.run(cmd);

        Hostile.assertOneErrorLine(r, r.err().strip(), 1);
        assertThat(r.err()).startsWith(NAME + ": too few open files left to start the daemon helper (the "
                + "open-files limit, ulimit -n, is 12 and ").doesNotContain("jdaemon.helper");
        assertNothingLeft();
    }

    /** In a private mount namespace, /dev is a fresh tmpfs where /dev/null is a directory. */
    @Test
    void aDevNullThatIsADirectoryIsNamed() {
        Namespaces.assumeCanHideProc(); // root, and mount namespaces permitted
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private",
                "sh", "-c", "mount -t tmpfs nodev /dev && mkdir /dev/null && exec \"$@\"", "sh"));
        cmd.addAll(example.daemonCommand());

        Example.Result r = example.run(cmd);

        Hostile.assertOneErrorLine(r, NAME + ": /dev/null is a directory, not the null device; the "
                + "daemon's stdin must be /dev/null: restore it (mknod -m 666 /dev/null c 1 3)", 6);
        assertNothingLeft();
    }

    /**
     * A process limit so low that no thread or process can be made: whatever the limit, the
     * launcher never prints an OutOfMemoryError stack trace of its own; where it gets to start (the
     * JVM itself may fail first, with its own message), it names the process limit. The limits
     * tried (as nobody, since root is exempt) are 14 to 40; at least one must reach the launcher.
     */
    @Test
    void aLowProcessLimitIsNamedNotAStackTrace() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Path tmp = dir.resolve("tmp");
        example.command(); // DIR/tmp, 1777
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        int named = 0;
        for (int limit = 14; limit <= 40; limit += 2) {
            List<String> cmd = new ArrayList<>(OtherUser.NOBODY);
            cmd.addAll(List.of("bash", "-c", "ulimit -u " + limit + " && exec \"$@\"", "bash",
                    Example.JAVA, "-Djava.io.tmpdir=" + tmp, "-jar", Example.JAR.toAbsolutePath().toString(),
                    "--daemon", "--port=0", "--workdir=" + dir));
            Example.Result r = example.run(cmd);
            String err = Hostile.withoutJvmWarnings(r.err());
            if (err.contains("Error occurred during initialization of VM")
                    || err.contains("Error: A JNI error has occurred")
                    || err.contains("There is insufficient memory for the Java Runtime Environment")) {
                example.close();
                continue; // the JVM (or the java launcher) could not start: not ours to report
            }
            assertThat(err).as("limit %d", limit).doesNotContain("at io.jdaemon")
                    .doesNotContain("OutOfMemoryError");
            if (err.contains("process limit")) {
                // The same line whichever JVM ran out of threads, the launcher's or the
                // daemon's (the JIT adds threads under load), so the outcome does not depend on
                // how busy the machine is.
                named++;
                assertThat(err).as("limit %d", limit).matches(java.util.regex.Pattern.quote(NAME
                        + ": cannot create a thread or process: this user's process limit (ulimit -u, now "
                        + limit + ")") + "( or this cgroup's \\(pids\\.max \\d+ in \\S+\\))?"
                        + java.util.regex.Pattern.quote(" is reached; raise it or end some of this user's "
                        + "processes") + "\n");
                assertThat(r.exit()).isEqualTo(1);
            }
            example.close(); // a start that got through left a daemon
        }
        assertThat(named).as("starts that reached the launcher and named the limit").isPositive();
        assertThat(Hostile.list(tmp)).noneMatch(name -> name.startsWith("jdaemon-") && !name.startsWith("jdaemon-nobody"));
    }

    @Test
    void aPidFileThatIsTheRootDirectoryIsNamed() {
        Example.Result r = example.run(example.command("--daemon", "--pidfile=/", "--port=0"));

        Hostile.assertOneErrorLine(r, NAME + ": --pidfile=/ is a directory; give the path of a file, "
                + "such as --pidfile=/run/NAME.pid", 6);
        assertNothingLeft();
    }

    /** The daemon writes .NAME.PID.tmp beside the pidfile: a name that leaves no room is refused first. */
    @Test
    void aPidFileNameTooLongIsRefusedBeforeAnythingIsSpawned() {
        String name = "p".repeat(250);
        Path pid = dir.resolve(name);

        Example.Result r = example.run(example.command("--daemon", "--pidfile=" + pid,
                "--log=" + example.log, "--port=0"));

        Hostile.assertOneErrorLine(r, NAME + ": pidfile name " + name + " is too long (250 bytes; at "
                + "most 239, since the daemon writes .NAME.PID.tmp beside it and a file name holds 255); "
                + "choose a shorter --pidfile", 6);
        assertThat(pid).doesNotExist();
        assertNothingLeft(); // no log: the helper never ran
    }
}
