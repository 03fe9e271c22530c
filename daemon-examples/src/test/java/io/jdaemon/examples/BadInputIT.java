package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.platform.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input on the command line (issue #5): each gets one line on stderr naming what is wrong,
 * the value or path and how to fix it, a distinct non-zero exit status, no stack trace, and
 * nothing half-started: no process, no pidfile, no stray file.
 */
class BadInputIT extends WithExample {

    private static final String NAME = "daemon-examples";

    private void assertNothingLeft(String... expectedEntries) {
        assertThat(example.processes()).as("processes left behind").isEmpty();
        assertThat(Hostile.list(dir)).as("files in %s", dir).containsExactlyInAnyOrder(expectedEntries);
    }

    // ---- malformed flags: usage errors, exit 2 ----------------------------------------------

    static Stream<Arguments> malformedFlags() {
        return Stream.of(
                Arguments.of(List.of("--daemon=bogus", "--port=0"),
                        "unknown action --daemon=bogus; use --daemon=start, stop, restart, status, reload or unit"),
                Arguments.of(List.of("--daemon", "--port=0", "--pidfile"),
                        "--pidfile needs a value: --pidfile=PATH"),
                Arguments.of(List.of("--daemon", "--log", "--port=0"),
                        "--log needs a value: --log=PATH"),
                Arguments.of(List.of("--daemon", "--umask=abc", "--port=0"),
                        "--umask=abc is not an octal mask; use up to 3 octal digits, such as 022 or 027"),
                Arguments.of(List.of("--daemon", "--umask", "0778", "--port=0"),
                        "--umask=0778 is not an octal mask; use up to 3 octal digits, such as 022 or 027"),
                Arguments.of(List.of("--daemon", "--sighup=sometimes", "--port=0"),
                        "--sighup=sometimes is not a policy; use --sighup=default, --sighup=ignore or "
                                + "--sighup=reload"),
                Arguments.of(List.of("--daemon", "--start-timeout=0", "--port=0"),
                        "--start-timeout=0 is not a whole number of seconds above 0; use, for example, "
                                + "--start-timeout=60"),
                Arguments.of(List.of("--daemon=status"),
                        "--daemon=status needs the pidfile: add --pidfile=PATH"),
                Arguments.of(List.of("--daemon=stop", "--pidfile="),
                        "--pidfile needs a value: --pidfile=PATH"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFlags")
    void aMalformedFlagIsOneUsageLine(List<String> args, String message) {
        Example.Result r = example.run(example.command(args.toArray(new String[0])));

        Hostile.assertOneErrorLine(r, NAME + ": " + message, 2);
        assertNothingLeft();
    }

    // ---- pidfile ----------------------------------------------------------------------------

    @Test
    void aPidFileThatIsADirectoryIsRefusedByStartAndStop() throws Exception {
        Files.createDirectory(example.pidFile);
        String why = "pidfile " + example.pidFile + " is not a regular file; choose another --pidfile path";

        Example.Result start = example.run(example.daemonCommand());
        Hostile.assertOneErrorLine(start, NAME + ": --pidfile=" + example.pidFile + " is a directory; "
                + "give a file path such as " + example.pidFile.resolve("NAME.pid"), 6);

        Example.Result stop = example.control("stop");
        Hostile.assertOneErrorLine(stop, NAME + ": cannot stop: " + why, 1);

        assertThat(Files.isDirectory(example.pidFile)).isTrue();
        assertNothingLeft("example.pid");
    }

    @Test
    void aPidFileInAMissingDirectoryIsNotRunningForStatusAndStop() {
        Path pid = dir.resolve("no-such-dir/x.pid");

        Example.Result status = example.run(example.command("--daemon=status", "--pidfile=" + pid));
        assertThat(status.exit()).isEqualTo(3);
        assertThat(status.out()).isEqualTo(NAME + " is not running\n");
        assertThat(status.err()).isEmpty();

        Example.Result stop = example.run(example.command("--daemon=stop", "--pidfile=" + pid));
        assertThat(stop.exit()).isZero();
        assertThat(stop.out()).isEqualTo(NAME + " is not running\n");
        assertThat(stop.err()).isEmpty();
        assertNothingLeft();
    }

    /** A pidfile nobody holds, whatever its content, is stale: status 1, stop removes it, start replaces it. */
    @ParameterizedTest(name = "content [{0}]")
    @ValueSource(strings = {"garbage", "", "-5\\n", "99999999999999999999\\n", "1\\n2\\n", "  \\n"})
    void anUnlockedPidFileWithGarbageIsStale(String escaped) throws Exception {
        String content = escaped.replace("\\n", "\n");
        Files.writeString(example.pidFile, content);

        Example.Result status = example.control("status");
        assertThat(status.exit()).as(status.err()).isEqualTo(1);
        assertThat(status.out()).isEqualTo(NAME + " is not running, but pidfile " + example.pidFile
                + " remains\n");

        Example.Result stop = example.control("stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo(NAME + " is not running; removed stale pidfile "
                + example.pidFile + "\n");
        assertThat(example.pidFile).doesNotExist();

        Files.writeString(example.pidFile, content);
        long pid = example.startDaemon();
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        Example.Result stopped = example.control("stop");
        assertThat(stopped.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
    }

    /** start and stop (even with --force) refuse a pidfile whose lock proves nothing: one line each. */
    private void assertStartAndStopRefuse(String why, long holder) {
        Example.Result start = example.run(example.daemonCommand());
        Hostile.assertOneErrorLine(start, NAME + ": " + why + "; not starting (remove the lock or "
                + "choose another --pidfile)", 1);

        Example.Result stop = example.control("stop",
                "--force", "--stop-timeout=1");
        assertThat(stop.exit()).isEqualTo(1);
        assertThat(stop.err()).startsWith(NAME + ": cannot stop: " + why);
        assertThat(new Proc(holder).alive()).as("the lock holder").isTrue();
    }

    /**
     * A pidfile locked by a live process but with garbage content: the lock does not prove a
     * daemon (a daemon's file names its holder), so status says unknown (4), and start and stop
     * refuse in one line and signal nothing.
     */
    @Test
    void aLockedPidFileWithGarbageIsNeitherTrustedNorSignalled() {
        Background.Running holder = Background.background(example, LockHolder.command(example.pidFile, "garbage"));
        Example.awaitTrue(() -> !new Proc(holder.pid()).locksOn(example.pidFile).isEmpty(), "the holder's lock");
        String why = "pidfile " + example.pidFile + " is locked by pid " + holder.pid() + " but names no PID";

        Example.Result status = example.control("status");
        assertThat(status.out()).startsWith(NAME + ": status unknown: " + why);
        assertThat(status.exit()).isEqualTo(4);

        assertStartAndStopRefuse(why, holder.pid());
        assertThat(example.processes()).as("no daemon started beside the holder")
                .containsExactly(holder.pid());
    }

    /**
     * A locked pidfile whose content names another, unrelated process (a reused PID, a hand-edited
     * file): neither start nor stop takes the file's word or the lock's; nothing is signalled.
     */
    @Test
    void aLockedPidFileNamingAnUnrelatedProcessSignalsNobody() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        try {
            Background.Running holder = Background.background(example,
                    LockHolder.command(example.pidFile, unrelated.pid() + "\\n"));
            Example.awaitTrue(() -> !new Proc(holder.pid()).locksOn(example.pidFile).isEmpty(), "the holder's lock");
            String why = "pidfile " + example.pidFile + " is locked by pid " + holder.pid()
                    + " but names pid " + unrelated.pid();

            assertStartAndStopRefuse(why, holder.pid());
            assertThat(unrelated.isAlive()).as("the process the pidfile names").isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    // ---- log and working directory ----------------------------------------------------------

    @Test
    void aLogInAMissingDirectoryIsRefused() {
        Path log = dir.resolve("no-such-dir/x.log");
        Example.Result r = example.run(example.command("--daemon", "--pidfile=" + example.pidFile,
                "--log=" + log, "--port=0"));

        Hostile.assertOneErrorLine(r, NAME + ": log directory " + log.getParent()
                + " does not exist; create it or choose another --log", 6);
        assertNothingLeft();
    }

    @Test
    void aLogThatIsADirectoryIsRefused() throws Exception {
        Files.createDirectory(example.log);
        Example.Result r = example.run(example.daemonCommand());

        Hostile.assertOneErrorLine(r, NAME + ": log file " + example.log
                + " is a directory; give a file path with --log", 6);
        assertNothingLeft("example.log");
    }

    @Test
    void aMissingWorkingDirectoryIsRefused() {
        Path wd = dir.resolve("no-such-dir");
        Example.Result r = example.run(example.daemonCommand("--workdir=" + wd));

        Hostile.assertOneErrorLine(r, NAME + ": working directory " + wd
                + " does not exist or is not a directory; create it or choose another --workdir", 6);
        assertNothingLeft();
    }

    @Test
    void aWorkingDirectoryThatIsAFileIsRefused() throws Exception {
        Path wd = Files.writeString(dir.resolve("plain-file"), "x");
        Example.Result r = example.run(example.daemonCommand("--workdir=" + wd));

        Hostile.assertOneErrorLine(r, NAME + ": working directory " + wd
                + " does not exist or is not a directory; create it or choose another --workdir", 6);
        assertNothingLeft("plain-file");
    }

    // ---- the helper -------------------------------------------------------------------------

    @Test
    void aMissingHelperOverrideIsRefused() {
        Example.Result r = example.run(Hostile.daemonCommand(example,
                List.of("-Djdaemon.helper=/nonexistent")));

        Hostile.assertOneErrorLine(r, NAME + ": helper /nonexistent (from -Djdaemon.helper) is not an "
                + "executable file; point -Djdaemon.helper at the jdaemon-helper executable", 5);
        assertNothingLeft();
    }

    @Test
    void aHelperOverrideThatIsNotExecutableIsRefused() throws Exception {
        Path helper = dir.resolve("helper");
        Files.write(helper, FakeHelper.packagedHelper());
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rw-r--r--"));

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.helper=" + helper)));

        Hostile.assertOneErrorLine(r, NAME + ": helper " + helper + " (from -Djdaemon.helper) is not an "
                + "executable file; point -Djdaemon.helper at the jdaemon-helper executable", 5);
        assertNothingLeft("helper");
    }

    @Test
    void aPlatformWithoutAHelperIsNamed() {
        Example.Result r = example.run(Hostile.daemonCommand(example,
                List.of("-Djdaemon.platform=nosuch-arch")));

        Hostile.assertOneErrorLine(r, NAME + ": no daemon helper for this platform (os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                + ", platform nosuch-arch (from -Djdaemon.platform); packaged: "
                + String.join(", ", Platform.packaged()) + "); "
                + "build daemon-native on this platform, or set -Djdaemon.helper=PATH to a "
                + "jdaemon-helper executable", 5);
        assertNothingLeft();
    }

    /** A cache on a noexec mount: the helper is extracted but cannot run; the line says what to do. */
    @Test
    void aHelperCacheOnANoexecMountIsReported() {
        Path mount = dir.resolve("noexec");
        Namespaces.mountTmpfsOrSkip(mount, "noexec,mode=0700");
        try {
            Path cache = mount.resolve("cache");
            Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));

            Path helper = cache.resolve(Hostile.list(cache).get(0));
            Hostile.assertOneErrorLine(r, NAME + ": cannot execute the daemon helper " + helper
                    + " (os.name=" + System.getProperty("os.name") + ", os.arch="
                    + System.getProperty("os.arch") + "): permission denied, so its directory is "
                    + "probably on a noexec mount; set -Djdaemon.cache=DIR to another directory or "
                    + "-Djdaemon.helper=PATH to an executable helper", 5);
            assertThat(example.processes()).isEmpty();
            assertThat(example.pidFile).doesNotExist();
        } finally {
            Namespaces.unmount(mount);
        }
    }

    /** -Djdaemon.cache naming a plain file: refused before anything is written there. */
    @Test
    void aCacheThatIsAFileIsRefused() throws Exception {
        Path cache = Files.writeString(dir.resolve("cache-file"), "x");

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));

        Hostile.assertOneErrorLine(r, NAME + ": no private directory for the daemon helper (" + cache
                + " is not a directory); set -Djdaemon.cache=DIR to a directory only you can write", 5);
        assertNothingLeft("cache-file");
    }

    /**
     * -Djdaemon.cache naming an existing directory that is not private (a shared scratch
     * directory, mode 1777): refused in one line, its mode left as it was (issue 20, item 8).
     */
    @Test
    void aCacheDirectoryThatIsNotPrivateIsRefusedNotChmodded() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("shared"));
        assertThat(Hostile.quietly(List.of("chmod", "1777", cache.toString()))).isZero();

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.cache=" + cache)));

        Hostile.assertOneErrorLine(r, NAME + ": no private directory for the daemon helper (" + cache
                + " is not private (mode 1777); make it so (chmod 700 " + cache + ") or choose another); "
                + "set -Djdaemon.cache=DIR to a directory only you can write", 5);
        assertThat(Files.readAttributes(cache, "unix:mode").get("mode")).isEqualTo(041777);
        assertThat(Hostile.list(cache)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }
}
