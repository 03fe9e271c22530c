package io.jdaemon.internal.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness handshake through the launcher's private directory: settings one way, exactly
 * one outcome the other, from the right process only, and nothing left behind.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ReadinessTest {

    private static final long PID = 4242;
    private static final Readiness.Settings SETTINGS = new Readiness.Settings("/run/x.pid",
            "/var/log/ünïcödé x.log", "RELOAD", true, ProcessHandle.current().pid());

    private Readiness.Listener listener;

    @BeforeEach
    void open() throws IOException {
        listener = Readiness.Listener.open(SETTINGS, -1, -1);
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    private Readiness.Reporter reporter() throws IOException {
        Readiness.Reporter reporter = Readiness.Reporter.connect(listener.address());
        assertThat(reporter.hello(PID)).isEqualTo(SETTINGS);
        return reporter;
    }

    @Test
    void theDaemonReceivesTheSettingsAndReportsReady() throws Exception {
        Readiness.Reporter reporter = reporter();
        assertThat(listener.poll(PID)).isNull();

        reporter.ready();

        assertThat(listener.poll(PID)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.READY, "", PID));
        assertThat(reporter.done()).isTrue();
    }

    @Test
    void anotherDaemonHoldingThePidFileIsReportedWithItsPid() throws Exception {
        reporter().running(777);
        assertThat(listener.poll(PID)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.RUNNING, "", 777));
    }

    @Test
    void aFailureCarriesItsReason() throws Exception {
        reporter().failed("java.lang.IllegalStateException: boom");
        assertThat(listener.poll(PID)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.FAILED,
                "java.lang.IllegalStateException: boom", PID));
    }

    @Test
    void theDaemonCanAskForALaterDeadlineUntilItReports() throws Exception {
        assertThat(listener.extendedDeadline()).isZero();
        Readiness.Reporter reporter = reporter();
        reporter.extend(123_456_789L);
        assertThat(listener.extendedDeadline()).isEqualTo(123_456_789L);
        reporter.extend(987_654_321L);
        assertThat(listener.extendedDeadline()).isEqualTo(987_654_321L);
        reporter.ready();
        reporter.extend(5L);
        assertThat(listener.extendedDeadline()).as("no extension after the outcome").isEqualTo(987_654_321L);
    }

    @Test
    void onlyTheFirstOutcomeCounts() throws Exception {
        Readiness.Reporter reporter = reporter();
        reporter.ready();
        reporter.failed("the daemon exited before it was ready");
        assertThat(listener.poll(PID).kind()).isEqualTo(Readiness.Outcome.Kind.READY);
    }

    @Test
    void anOutcomeFromAnotherProcessIsRejected() throws Exception {
        reporter().ready();
        assertThatThrownBy(() -> listener.poll(PID + 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("pid " + PID);
    }

    /** A directory made under a setgid parent inherits the bit; its permissions are still 0700. */
    @Test
    void aDirectoryInASetgidTmpdirIsAccepted(@TempDir Path tmp) throws Exception {
        Process chmod = new ProcessBuilder("chmod", "2755", tmp.toString()).inheritIO().start();
        assertThat(chmod.waitFor()).isZero();
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
        try (Readiness.Listener inSetgid = Readiness.Listener.open(SETTINGS)) {
            Path dir = Path.of(inSetgid.address());
            assertThat(FileModes.of(dir) & 02000).as("setgid inherited").isNotZero();
            Readiness.Reporter reporter = Readiness.Reporter.connect(inSetgid.address());
            assertThat(reporter.hello(PID)).isEqualTo(SETTINGS);
            reporter.ready();
            assertThat(inSetgid.poll(PID).kind()).isEqualTo(Readiness.Outcome.Kind.READY);
        } finally {
            System.setProperty("java.io.tmpdir", saved);
        }
    }

    @Test
    void anUnknownOutcomeIsRejected() throws Exception {
        Path outcome = Path.of(listener.address(), "outcome");
        Files.writeString(outcome, "MAYBE\0" + PID + "\0");
        assertThatThrownBy(() -> listener.poll(PID)).isInstanceOf(IOException.class)
                .hasMessageContaining("MAYBE");
    }

    @Test
    void aMalformedOutcomeIsRejected() throws Exception {
        Path outcome = Path.of(listener.address(), "outcome");
        Files.writeString(outcome, "READY\0not-a-pid\0");
        assertThatThrownBy(() -> listener.poll(PID)).isInstanceOf(IOException.class)
                .hasMessageContaining("not-a-pid");
        Files.writeString(outcome, "RUNNING\0" + PID);
        assertThatThrownBy(() -> listener.poll(PID)).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed");
    }

    @Test
    void aFailureReasonSurvivesAnyCharacter() throws Exception {
        reporter().failed("line one\nline two \u00e9 \0 end");
        assertThat(listener.poll(PID).message()).isEqualTo("line one\nline two \u00e9   end");
    }

    @Test
    void theDirectoryIsPrivateAndRemovedOnClose() throws Exception {
        Path dir = Path.of(listener.address());
        assertThat(dir.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
        assertThat(dir.getFileName().toString()).startsWith("jdaemon-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rwx------");
        reporter().ready();

        listener.close();

        assertThat(dir).doesNotExist();
    }

    @Test
    void eachListenerHasItsOwnDirectory() throws IOException {
        try (Readiness.Listener other = Readiness.Listener.open(SETTINGS, -1, -1)) {
            assertThat(other.address()).isNotEqualTo(listener.address());
        }
    }

    @Test
    void aDaemonWhoseLauncherIsGoneBeforeItReadsTheSettingsGivesUp() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (Readiness.Listener orphan = Readiness.Listener.open(new Readiness.Settings("", "/dev/null",
                "DEFAULT", false, gone.pid()), -1, -1)) {
            Readiness.Reporter reporter = Readiness.Reporter.connect(orphan.address());

            assertThatThrownBy(() -> reporter.hello(PID)).isInstanceOf(IOException.class)
                    .hasMessageContaining("the launcher, pid " + gone.pid() + ", is gone");
            assertThat(Path.of(orphan.address())).doesNotExist();
        }
    }

    @Test
    void aReportToALauncherThatDiedMeanwhileRemovesItsDirectoryAndDoesNotFail() throws Exception {
        Process launcher = new ProcessBuilder("sleep", "600").start();
        try (Readiness.Listener orphan = Readiness.Listener.open(new Readiness.Settings("", "/dev/null",
                "DEFAULT", false, launcher.pid()), -1, -1)) {
            Readiness.Reporter reporter = Readiness.Reporter.connect(orphan.address());
            reporter.hello(PID);
            launcher.destroyForcibly().waitFor();

            reporter.ready();

            assertThat(reporter.done()).isTrue();
            assertThat(Path.of(orphan.address())).doesNotExist();
        } finally {
            launcher.destroyForcibly().waitFor();
        }
    }

    @Test
    void aReportAfterTheLauncherRemovedItsDirectoryDoesNotFail() throws Exception {
        Readiness.Reporter reporter = reporter();
        listener.close();
        reporter.ready();
        assertThat(reporter.done()).isTrue();
    }

    @Test
    void noLauncherDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> Readiness.Reporter.connect(tmp.resolve("missing").toString()))
                .isInstanceOf(NoSuchFileException.class);

        Path empty = Files.createDirectory(tmp.resolve("empty"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThatThrownBy(() -> Readiness.Reporter.connect(empty.toString()))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aDirectoryOthersCanEnterOrALinkIsRefused(@TempDir Path tmp) throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Path.of(listener.address(), "settings"), open.resolve("settings"));
        assertThatThrownBy(() -> Readiness.Reporter.connect(open.toString()))
                .isInstanceOf(IOException.class).hasMessageContaining("not a private directory");

        Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of(listener.address()));
        assertThatThrownBy(() -> Readiness.Reporter.connect(link.toString()))
                .isInstanceOf(IOException.class).hasMessageContaining("not a private directory");
    }

    /** An outcome counts only from the very directory the listener created (dev/inode, owner, mode). */
    @Test
    void anOutcomeInAReplacedDirectoryIsRejected() throws Exception {
        Readiness.Reporter reporter = reporter();
        Path dir = Path.of(listener.address());
        Path moved = Files.move(dir, dir.resolveSibling(dir.getFileName() + "-moved"));
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.copy(moved.resolve("settings"), dir.resolve("settings"));
            Readiness.Reporter impostor = Readiness.Reporter.connect(dir.toString());
            impostor.hello(PID);
            impostor.ready();

            assertThatThrownBy(() -> listener.poll(PID)).isInstanceOf(IOException.class)
                    .hasMessageContaining("was replaced");
        } finally {
            Files.deleteIfExists(dir.resolve("outcome"));
            Files.deleteIfExists(dir.resolve("settings"));
            Files.deleteIfExists(dir);
            Files.move(moved, dir);
        }
        reporter.ready();
        assertThat(listener.poll(PID).kind()).isEqualTo(Readiness.Outcome.Kind.READY);
    }

    @Test
    void aDirectoryWhoseModeChangedIsRejected() throws Exception {
        reporter().ready();
        Files.setPosixFilePermissions(Path.of(listener.address()), PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> listener.poll(PID)).isInstanceOf(IOException.class)
                .hasMessageContaining("was replaced");
    }

    @Test
    void aTemporaryDirectoryOthersCanWriteWithoutStickyIsRefused(@TempDir Path tmp) throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", open.toString());
        try {
            assertThatThrownBy(() -> Readiness.Listener.open(SETTINGS))
                    .isInstanceOf(io.jdaemon.DaemonException.class)
                    .hasMessageContaining("java.io.tmpdir " + open)
                    .hasMessageContaining("-Djava.io.tmpdir=DIR");
            assertThat(open).isEmptyDirectory();
        } finally {
            System.setProperty("java.io.tmpdir", saved);
        }
    }

    @Test
    void launcherPidIsReadOnlyFromAHandshakeDirectoryName() {
        assertThat(Readiness.launcherPid("jdaemon-123-1a2b-0")).isEqualTo(123);
        assertThat(Readiness.launcherPid("jdaemon-root")).isEqualTo(-1);
        assertThat(Readiness.launcherPid("jdaemon-12-x")).isEqualTo(-1);
        assertThat(Readiness.launcherPid("jdaemon-12-ab-0-1")).isEqualTo(-1);
        assertThat(Readiness.launcherPid("jdaemon--ab-0")).isEqualTo(-1);
        assertThat(Readiness.launcherPid("other-12-ab-0")).isEqualTo(-1);
    }

    /** With an owner (issue 11's --user), the directory and the settings are that user's, and so must the directory stay. */
    @Test
    void aListenerForAnotherUserGivesThemTheDirectoryAndTheSettings() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TrustedPath.Identity.current().isRoot(), "needs root to chown");
        try (Readiness.Listener other = Readiness.Listener.open(SETTINGS, 65534, 65534)) {
            Path dir = Path.of(other.address());
            assertThat(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
            assertThat(Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
            assertThat(Files.getAttribute(dir.resolve("settings"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
            Files.writeString(dir.resolve("outcome"), "READY\0" + PID + "\0");
            assertThat(other.poll(PID).kind()).isEqualTo(Readiness.Outcome.Kind.READY);

            Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            assertThatThrownBy(() -> other.poll(PID)).isInstanceOf(IOException.class)
                    .hasMessageContaining("was replaced");
        }
    }
}
