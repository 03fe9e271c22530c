package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root starting a daemon whose pidfile and log are in directories another user (nobody) can
 * write (issue #10, item 2): nothing of root's is chmod-ed, appended to or created where the other
 * user chose, whether the trap is laid before the launcher's checks or after them (then the
 * helper's checks on its open descriptor refuse it). Each refusal is one line, exit 6, with
 * nothing left running.
 */
class SharedDirectoryIT extends WithExample {

    private static final String NAME = "daemon-examples";

    /** A root file the other user would like root to write to. */
    private Path secret;

    @BeforeEach
    void setUp() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody may enter
        secret = Files.writeString(dir.resolve("secret"), "root's\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    private Path sharedDir(String name, String mode) {
        Path shared = dir.resolve(name);
        assertThat(Hostile.quietly(List.of("mkdir", "-m", mode, shared.toString()))).isZero();
        return shared;
    }

    private void asNobody(String shell) {
        assertThat(Hostile.quietly(OtherUser.asNobody(List.of("sh", "-c", shell)))).as(shell).isZero();
    }

    private void assertSecretUntouched() throws Exception {
        assertThat(Files.readString(secret)).isEqualTo("root's\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    }

    private Example.Result start(Path pidFile, Path log, String... jvmOptions) {
        return example.run(Hostile.daemonCommand(example, List.of(jvmOptions),
                "--pidfile=" + pidFile, "--log=" + log));
    }

    @Test
    void aDirectoryEveryoneCanWriteWithoutStickyBitIsRefusedForPidfileAndLog() throws Exception {
        Path open = sharedDir("open", "0777");

        Example.Result pid = start(open.resolve("x.pid"), example.log);
        assertThat(pid.exit()).as(pid.err()).isEqualTo(6);
        assertThat(pid.err()).startsWith(NAME + ": pidfile " + open.resolve("x.pid") + " is in an unsafe place: "
                + open + " is writable by every user and has no sticky bit").hasLineCount(1);

        Example.Result log = start(example.pidFile, open.resolve("x.log"));
        assertThat(log.exit()).as(log.err()).isEqualTo(6);
        assertThat(log.err()).startsWith(NAME + ": log directory is unsafe: " + open
                + " is writable by every user and has no sticky bit").hasLineCount(1);
        assertThat(Hostile.list(open)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        Path theirs = OtherUser.nobodyDir(dir.resolve("theirs"));

        Example.Result r = start(theirs.resolve("x.pid"), example.log);

        assertThat(r.exit()).as(r.err()).isEqualTo(6);
        assertThat(r.err()).contains(theirs + " belongs to nobody").hasLineCount(1);
        assertThat(Hostile.list(theirs)).isEmpty();
    }

    @Test
    void aSymlinkedParentDirectoryPlantedByAnotherUserIsNotFollowed() throws Exception {
        Path sticky = sharedDir("sticky", "1777");
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        asNobody("ln -s " + elsewhere + " " + sticky.resolve("app"));

        Example.Result r = start(sticky.resolve("app/x.pid"), sticky.resolve("app/x.log"));

        assertThat(r.exit()).as(r.err()).isEqualTo(6);
        assertThat(r.err()).contains(sticky.resolve("app") + " is a symbolic link owned by nobody").hasLineCount(1);
        assertThat(Hostile.list(elsewhere)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLogPlantedByAnotherUserIsNotAppendedTo() throws Exception {
        Path sticky = sharedDir("sticky", "1777");
        Path log = sticky.resolve("x.log");
        asNobody("echo theirs > " + log + " && chmod 666 " + log);

        Example.Result r = start(example.pidFile, log);

        Hostile.assertOneErrorLine(r, NAME + ": log file " + log + " belongs to nobody, not to this user or "
                + "root; remove it or choose another --log", 6);
        assertThat(Files.readString(log)).isEqualTo("theirs\n");
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLogHardLinkedToRootsFileIsNotAppendedTo() throws Exception {
        Path sticky = sharedDir("sticky", "1777");
        Path log = sticky.resolve("x.log");
        Files.createLink(log, secret); // as the other user could where protected_hardlinks is off

        Example.Result r = start(example.pidFile, log);

        Hostile.assertOneErrorLine(r, NAME + ": log file " + log + " has 2 hard links, so it is also another "
                + "file; remove it or choose another --log", 6);
        assertSecretUntouched();
    }

    /** Planted after the launcher's checks: the helper checks the descriptor it opened. */
    @Test
    void aLogPlantedAfterTheChecksIsRefusedByTheHelper() throws Exception {
        Path sticky = sharedDir("sticky", "1777");
        Path log = sticky.resolve("x.log");
        for (String plant : List.of(
                OtherUser.NOBODY_SHELL + " 'echo theirs > " + log + "'",
                "ln " + secret + " " + log)) {
            Files.deleteIfExists(log);
            Path helper = FakeHelper.wrappedHelper(dir, "plant-log.sh", plant, "\"$prog\" \"$@\"");

            Example.Result r = start(example.pidFile, log, "-Djdaemon.helper=" + helper);

            assertThat(r.exit()).as("%s: %s", plant, r.err()).isEqualTo(6);
            assertThat(r.err()).startsWith(NAME + ": cannot start: log file " + log).hasLineCount(1);
            assertThat(example.processes()).isEmpty();
            assertThat(example.pidFile).doesNotExist();
        }
        assertThat(Files.readString(log)).isEqualTo("root's\n");
        assertSecretUntouched();
    }

    @Test
    void aFifoAsLogIsRefusedAtOnceBeforeOrAfterTheChecks() throws Exception {
        Path fifo = dir.resolve("fifo.log");
        assertThat(Hostile.quietly(List.of("mkfifo", fifo.toString()))).isZero();

        Example.Result before = start(example.pidFile, fifo);
        Hostile.assertOneErrorLine(before, NAME + ": log file " + fifo + " is not a regular file (a FIFO, "
                + "socket or device); give the path of a regular file with --log", 6);

        Path late = dir.resolve("late.log");
        Path helper = FakeHelper.wrappedHelper(dir, "plant-fifo.sh", "mkfifo " + late, "\"$prog\" \"$@\"");
        Example.Result after = start(example.pidFile, late, "-Djdaemon.helper=" + helper);
        assertThat(after.exit()).as(after.err()).isEqualTo(6);
        assertThat(after.err()).startsWith(NAME + ": cannot start: cannot open log file " + late
                + ": it is a FIFO").hasLineCount(1);
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void thePidfileAndTheLogMustBeTwoFiles() {
        Example.Result r = start(example.pidFile, example.pidFile);

        Hostile.assertOneErrorLine(r, NAME + ": --pidfile and --log both name " + example.pidFile
                + "; give each its own file", 2);
        assertThat(example.pidFile).doesNotExist();
    }

    /** A pidfile of another user's in a sticky directory is not taken over or removed. */
    @Test
    void aStalePidFileOfAnotherUserIsNotReplaced() throws Exception {
        Path sticky = sharedDir("sticky", "1777");
        Path pidFile = sticky.resolve("x.pid");
        asNobody("echo 1 > " + pidFile);

        Example.Result r = start(pidFile, example.log);

        Hostile.assertOneErrorLine(r, NAME + ": pidfile " + pidFile + " belongs to nobody, not to this "
                + "user or root; remove it or choose another --pidfile", 6);
        assertThat(Files.readString(pidFile)).isEqualTo("1\n");
        assertThat(example.processes()).isEmpty();
    }
}
