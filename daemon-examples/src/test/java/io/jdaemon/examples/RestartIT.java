package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launch record and who the daemon is (issue #20): a restart starts from what root's launcher
 * recorded, never from a process's command line, and another user's lock holder never makes root
 * act. Two real users made for the test (random names, removed afterwards): {@code svc}, the
 * daemon's user, and {@code mallory}, unrelated; both attack from their own processes. Skipped,
 * with the reason, when not root.
 */
class RestartIT extends WithExample {

    private static final String NAME = "daemon-examples";
    private static final long CAP_NET_BIND_SERVICE = 1L << 10;

    private static String svc;
    private static String mallory;
    private static long svcUid;
    private static long malloryUid;
    private static Path jar;

    /** A directory of svc's: the daemon's pidfile and log go there. */
    Path run;
    /** A world-writable sticky directory, as /tmp. */
    Path shared;

    @BeforeAll
    static void createUsers() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to create users and to start --user daemons; this runs as "
                        + System.getProperty("user.name"));
        Assumptions.assumeTrue(Hostile.quietly(List.of("useradd", "--help")) == 0,
                "useradd (passwd package) is not installed");
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFL);
        svc = "jrs" + tag;
        mallory = "jrm" + tag;
        try {
            for (String user : List.of(svc, mallory)) {
                assertThat(Hostile.quietly(List.of("useradd", "-M", "-U", "-d", "/nonexistent",
                        "-s", "/usr/sbin/nologin", user))).as("useradd %s", user).isZero();
            }
            svcUid = Long.parseLong(output(List.of("id", "-u", svc)));
            malloryUid = Long.parseLong(output(List.of("id", "-u", mallory)));
            jar = OtherUser.readableJar(as(svc, List.of("test", "-r")));
        } catch (Exception | AssertionError e) {
            removeUsers();
            throw e;
        }
    }

    @AfterAll
    static void removeUsers() throws IOException {
        for (String user : Arrays.asList(svc, mallory)) {
            if (user != null) {
                OtherUser.removeUser(user, user);
            }
        }
        OtherUser.removeJarCopy(jar);
    }

    @BeforeEach
    void directories() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        run = Files.createDirectory(dir.resolve("run"));
        assertThat(Hostile.quietly(List.of("chown", svc + ":" + svc, run.toString()))).isZero();
        shared = Files.createDirectory(dir.resolve("shared"));
        assertThat(Hostile.quietly(List.of("chmod", "1777", shared.toString()))).isZero();
        Assumptions.assumeTrue(Hostile.quietly(as(svc, List.of("test", "-w", run.toString()))) == 0,
                "user " + svc + " cannot reach " + run);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** {@code command} run as {@code user} (its own group only). */
    private static List<String> as(String user, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user,
                "--clear-groups"));
        cmd.addAll(command);
        return cmd;
    }

    /** {@code java JVM_OPTIONS -jar JAR ARGS}, with the readiness directory in the test's own. */
    private List<String> java(List<String> jvmOptions, String... args) {
        List<String> cmd = example.command(args);
        int at = cmd.indexOf("-jar");
        cmd.set(at + 1, jar.toString());
        cmd.addAll(at, jvmOptions);
        return cmd;
    }

    private String pidFile() {
        return "--pidfile=" + run.resolve("x.pid");
    }

    private String log() {
        return "--log=" + run.resolve("x.log");
    }

    private long started(Example.Result r) {
        assertThat(r.exit()).as("stdout: %s stderr: %s", r.out(), r.err()).isZero();
        return r.startedPid();
    }

    /** A lock holder run as {@code user}: holds {@code pidFile}, names itself in it, and shows {@code shown}. */
    private Background.Running impostor(String user, Path pidFile, List<String> jvmOptions, String... shown) {
        List<String> cmd = LockHolder.command(pidFile, "--own-pid");
        cmd.addAll(1, jvmOptions);
        cmd.addAll(Arrays.asList(shown));
        Background.Running holder = Background.background(example, as(user, cmd));
        Example.awaitTrue(() -> read(pidFile).equals(holder.pid() + "\n"), "the impostor's pid in " + pidFile);
        return holder;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String output(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as("%s: %s", cmd, out).isZero();
        return out;
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the restart starts from the record ------------------------------------------------

    /**
     * Bug 3: two plain restarts of a {@code --user} daemon. Each new daemon runs as the user,
     * with its JVM options and its {@code --jvm-option}, and writes to its log (not /dev/null).
     */
    @Test
    void plainRestartsKeepTheUserTheLogAndTheJvmOptions() {
        long pid = started(example.run(java(List.of("-Dexample.kept=yes"), "--daemon", "--user=" + svc,
                pidFile(), log(), "--umask=027", "--port=0", "--jvm-option=-Dexample.daemon-only=yes")));
        for (int restart = 1; restart <= 2; restart++) {
            Example.Result r = example.run(java(List.of(), "--daemon=restart", pidFile()));
            long next = started(r);
            assertThat(r.err()).as("restart %d", restart).isEqualTo(notSeamless("pid " + pid
                    + " has no listening TCP socket at fd 0 (started without --listen)"));
            assertThat(r.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n" + NAME + " started, pid " + next + "\n");
            assertThat(new Proc(pid).alive()).isFalse();
            Proc proc = new Proc(next);
            assertThat(proc.status("Uid").split("\t")).as("restart %d", restart).containsOnly(Long.toString(svcUid));
            // in force in the daemon's JVM (through its private argument file, not its command line)
            assertThat(proc.jvmArgs()).contains("-Dexample.kept=yes", "-Dexample.daemon-only=yes");
            int lines = restart + 1;
            Example.awaitTrue(() -> count(read(run.resolve("x.log")), "listening on port") == lines,
                    "a port line per daemon in the log");
            pid = next;
        }
    }

    /** A flag on the restart line replaces the recorded one, said in one line. */
    @Test
    void aFlagOnTheRestartLineOverridesTheRecordInOneLine() {
        long pid = started(example.run(java(List.of(), "--daemon", "--user=" + svc, pidFile(), log(), "--port=0")));
        Path other = run.resolve("y.log");

        Example.Result r = example.run(java(List.of(), "--daemon=restart", pidFile(), "--log=" + other));

        long next = started(r);
        assertThat(r.err()).isEqualTo(NAME + ": restarting with the settings recorded at its start, except: --log="
                + other + " (was " + run.resolve("x.log") + ")\n" + notSeamless("pid " + pid
                + " has no listening TCP socket at fd 0 (started without --listen)"));
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(new Proc(next).status("Uid").split("\t")).containsOnly(Long.toString(svcUid));
        Example.awaitTrue(() -> read(other).contains("listening on port"), "the new log");
    }

    /**
     * Without a launch record of this user for the pidfile (here: another state directory, as for
     * a daemon started by another user or an older version), the restart says so in one line and
     * starts from its own command line alone.
     */
    @Test
    void withoutARecordTheRestartSaysSoAndUsesItsOwnLine() throws IOException {
        String pidFile = "--pidfile=" + example.pidFile;
        ProcessBuilder start = new ProcessBuilder(java(List.of("-Dexample.first=yes"), "--daemon", pidFile,
                "--log=" + example.log, "--port=0"));
        start.environment().put("XDG_STATE_HOME", Files.createDirectory(dir.resolve("state-a")).toString());
        long pid = started(example.run(start));
        ProcessBuilder restart = new ProcessBuilder(java(List.of(), "--daemon=restart", pidFile,
                "--log=" + example.log, "--port=0"));
        restart.environment().put("XDG_STATE_HOME", Files.createDirectory(dir.resolve("state-b")).toString());

        Example.Result r = example.run(restart);

        long next = started(r);
        assertThat(r.err()).isEqualTo(NAME + ": no launch record of this user for pidfile " + example.pidFile
                + " (started by another user, an older version or a supervisor): restarting with this "
                + "command's flags only\n" + notSeamless("no launch record of this user names pid " + pid));
        assertThat(r.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n" + NAME + " started, pid " + next + "\n");
        assertThat(new Proc(next).jvmArgs()).doesNotContain("-Dexample.first=yes");
    }

    /** The line a restart that closes the port says (see SeamlessRestartIT for one that does not). */
    private static String notSeamless(String why) {
        return NAME + ": not seamless (connections are refused until the new daemon listens): " + why + "\n";
    }

    /**
     * Without a record, a plain restart would run the service as the caller: root's restart of a
     * daemon that runs as svc (its record gone, or svc started it) is refused in one line and
     * stops nothing; with {@code --user} on the restart line it restarts.
     */
    @Test
    void withoutARecordAPlainRestartNeverBringsAnotherUsersDaemonBackAsRoot() throws IOException {
        ProcessBuilder start = new ProcessBuilder(java(List.of(), "--daemon", "--user=" + svc, pidFile(),
                log(), "--port=0"));
        start.environment().put("XDG_STATE_HOME", Files.createDirectory(dir.resolve("state-a")).toString());
        long pid = started(example.run(start));
        String stateB = Files.createDirectory(dir.resolve("state-b")).toString();
        ProcessBuilder restart = new ProcessBuilder(java(List.of(), "--daemon=restart", pidFile(), log(),
                "--port=0"));
        restart.environment().put("XDG_STATE_HOME", stateB);

        Hostile.assertOneErrorLine(example.run(restart), NAME + ": pid " + pid + " runs as uid " + svcUid
                + " and no launch record of this user for pidfile " + run.resolve("x.pid") + " says how it "
                + "was started: this restart would run it as uid 0; give --user=" + svcUid + " (and "
                + "--keep-caps if it needs any) on the restart, or stop and start it", 2);
        assertThat(new Proc(pid).alive()).as("the daemon was not stopped").isTrue();

        ProcessBuilder asSvc = new ProcessBuilder(java(List.of(), "--daemon=restart", "--user=" + svc,
                pidFile(), log(), "--port=0"));
        asSvc.environment().put("XDG_STATE_HOME", stateB);
        long next = started(example.run(asSvc));
        assertThat(next).isNotEqualTo(pid);
        assertThat(new Proc(next).status("Uid")).startsWith(svcUid + "\t");
    }

    // ---- no privilege from what another user wrote -----------------------------------------

    /**
     * Bugs 1 and 9: mallory locks a pidfile in a sticky directory from a process whose command
     * line carries the launcher's marker and asks for {@code --user=mallory} with capabilities.
     * Root's status does not call it running, root's restart neither stops it nor starts
     * anything, and root's start does not say "already running": one line naming the holder,
     * non-zero.
     */
    @Test
    void anotherUsersLockInAStickyDirectoryNeverMakesRootAct() {
        Path pidFile = shared.resolve("app.pid");
        Background.Running holder = impostor(mallory, pidFile, List.of("-Djdaemon.launcher=x"),
                "--user=" + mallory, "--keep-caps=dac_override,sys_admin");
        String problem = "pidfile " + pidFile + " is locked by pid " + holder.pid() + " of uid " + malloryUid
                + ", and no launch record of this user names it (run this command as that user, or choose "
                + "another --pidfile)";

        Example.Result status = example.run(java(List.of(), "--daemon=status", "--pidfile=" + pidFile));
        assertThat(status.out()).isEqualTo(NAME + ": status unknown: " + problem
                + "; not touching it (remove the lock or choose another --pidfile)\n");
        assertThat(status.exit()).isEqualTo(4);

        Example.Result restart = example.run(java(List.of(), "--daemon=restart", "--pidfile=" + pidFile,
                "--log=" + dir.resolve("root.log"), "--port=0"));
        assertThat(restart.exit()).as("stdout: %s", restart.out()).isEqualTo(1);
        assertThat(restart.out()).doesNotContain("started");
        assertThat(restart.err()).contains("cannot stop: " + problem);
        assertThat(holder.process().isAlive()).as("not signalled").isTrue();

        Example.Result start = example.run(java(List.of(), "--daemon", "--pidfile=" + pidFile,
                "--log=" + dir.resolve("root.log"), "--port=0"));
        Hostile.assertOneErrorLine(start, NAME + ": " + problem + "; not starting (remove the lock or choose "
                + "another --pidfile)", 1);
        assertThat(holder.process().isAlive()).isTrue();
        assertThat(example.processes()).as("nothing but the impostor runs").containsExactly(holder.pid());
    }

    /**
     * Bug 2: svc replaces its daemon with a process naming more capabilities in its command line;
     * root's plain restart brings the service back with what root granted, nothing more.
     */
    @Test
    void theDaemonsUserCannotWidenItsCapabilitiesThroughRootsRestart() {
        long pid = started(example.run(java(List.of(), "--daemon", "--user=" + svc,
                "--keep-caps=net_bind_service", pidFile(), log(), "--port=0")));
        assertThat(Hostile.quietly(as(svc, List.of("kill", "-KILL", Long.toString(pid))))).isZero();
        Example.awaitGone(pid);
        Background.Running holder = impostor(svc, run.resolve("x.pid"), List.of("-Djdaemon.launcher=x"),
                "--user=" + svc, "--keep-caps=net_bind_service,dac_override,fowner,sys_admin,sys_ptrace");

        Example.Result r = example.run(java(List.of(), "--daemon=restart", pidFile()));

        long next = started(r);
        assertThat(holder.process().isAlive()).isFalse();
        Proc proc = new Proc(next);
        assertThat(proc.status("Uid").split("\t")).containsOnly(Long.toString(svcUid));
        for (String set : List.of("CapPrm", "CapEff", "CapAmb")) {
            assertThat(Proc.mask(proc.status(set))).as(set).isEqualTo(CAP_NET_BIND_SERVICE);
        }
    }

    /**
     * Bug 6: reload takes the SIGHUP policy from the launch record or its own flags, never from
     * the holder's command line: an {@code @FILE} there that became a FIFO hangs nothing.
     */
    @Test
    void reloadReadsNothingFromTheHoldersCommandLine() throws Exception {
        Path args = dir.resolve("holder.args");
        Files.writeString(args, "-Dholder=yes\n");
        Path pidFile = dir.resolve("holder.pid");
        Background.Running holder = impostor("root", pidFile, List.of("@" + args));
        assertThat(cmdline(holder.pid())).contains("@" + args);
        Files.delete(args);
        assertThat(Hostile.quietly(List.of("mkfifo", args.toString()))).isZero();

        Example.Result reload = example.run(java(List.of(), "--daemon=reload", "--pidfile=" + pidFile));

        Hostile.assertOneErrorLine(reload, NAME + ": pid " + holder.pid() + " runs with --sighup=default, so "
                + "SIGHUP would stop it; not sent. Start it with --sighup=reload to reload it (no launch record "
                + "of this user names it: the policy is this command's --sighup)", 3);
        assertThat(holder.process().isAlive()).isTrue();
    }

    // ---- the --user daemon's files ---------------------------------------------------------

    /** Item 10: a killed --user daemon's stale pidfile (svc's file) is removed by root's stop. */
    @Test
    void rootsStopRemovesTheKilledUserDaemonsStalePidFile() {
        long pid = started(example.run(java(List.of(), "--daemon", "--user=" + svc, pidFile(), log(), "--port=0")));
        Example.signal(pid, "KILL");
        Example.awaitGone(pid);
        assertThat(run.resolve("x.pid")).exists();

        Example.Result stop = example.run(java(List.of(), "--daemon=stop", pidFile()));

        assertThat(stop.err()).isEmpty();
        assertThat(stop.out()).isEqualTo(NAME + " is not running; removed stale pidfile " + run.resolve("x.pid") + "\n");
        assertThat(stop.exit()).isZero();
        assertThat(run.resolve("x.pid")).doesNotExist();
    }

    /**
     * Item 11: a --user daemon that keeps a capability has no attach socket, so no process of its
     * user can load code into it (jcmd); {@code -XX:-DisableAttachMechanism} opts out, and then
     * the same probe succeeds.
     */
    @Test
    void aDaemonKeepingCapabilitiesCannotBeAttachedToByItsUser() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Assumptions.assumeTrue(Files.isExecutable(jcmd), "no jcmd in " + jcmd.getParent());
        long pid = started(example.run(java(List.of(), "--daemon", "--user=" + svc,
                "--keep-caps=net_bind_service", pidFile(), log(), "--port=0")));
        Example.awaitTrue(() -> read(run.resolve("x.log")).contains("listening on port"), "the daemon serving");

        assertThat(cmdline(pid)).contains("-XX:+DisableAttachMechanism");
        assertThat(Proc.mask(new Proc(pid).status("CapEff"))).isEqualTo(CAP_NET_BIND_SERVICE);
        Example.Result attach = example.run(as(svc, List.of(jcmd.toString(), Long.toString(pid), "VM.version")));
        assertThat(attach.exit()).as("jcmd as %s: %s", svc, attach.out()).isNotZero();
        assertThat(attach.out()).doesNotContain("JDK ");

        Example.Result stop = example.run(java(List.of(), "--daemon=stop", pidFile()));
        assertThat(stop.exit()).isZero();
        long open = started(example.run(java(List.of("-XX:-DisableAttachMechanism"), "--daemon",
                "--user=" + svc, "--keep-caps=net_bind_service", pidFile(), log(), "--port=0")));
        assertThat(cmdline(open)).doesNotContain("-XX:+DisableAttachMechanism");
        Example.awaitTrue(() -> count(read(run.resolve("x.log")), "listening on port") == 2, "the daemon serving");
        Example.Result attached = example.run(as(svc, List.of(jcmd.toString(), Long.toString(open), "VM.version")));
        assertThat(attached.out()).as("jcmd as %s with the opt-out", svc).contains("JDK ");
    }

    // ---- stop: a stopped process, a removed or read-only pidfile directory ------------------

    /** Item 24: stop of a SIGSTOPped daemon says so, continues it, and it exits. */
    @Test
    void stopOfAStoppedDaemonContinuesItAndSaysSo() {
        String pidFile = "--pidfile=" + example.pidFile;
        long pid = started(example.run(java(List.of(), "--daemon", pidFile, "--log=" + example.log, "--port=0")));
        Example.signal(pid, "STOP");
        Example.awaitTrue(() -> new Proc(pid).stat().get(0).equals("T"), "state T");

        Example.Result stop = example.run(java(List.of(), "--daemon=stop", pidFile, "--stop-timeout=30"));

        assertThat(stop.err()).isEqualTo(NAME + ": pid " + pid + " was stopped (state T, by SIGSTOP or a "
                + "terminal stop); sent SIGCONT after SIGTERM so that it can exit\n");
        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(stop.exit()).isZero();
        assertThat(new Proc(pid).alive()).isFalse();
    }

    /**
     * Item 23: the pidfile's directory removed while the daemon runs. Status says it runs, a
     * start starts no second one, stop stops it.
     */
    @Test
    void aDaemonWhosePidFileDirectoryWasRemovedIsStillKnown() throws IOException {
        Path piddir = Files.createDirectory(dir.resolve("piddir"));
        Path pidFile = piddir.resolve("x.pid");
        long pid = started(example.run(java(List.of(), "--daemon", "--pidfile=" + pidFile,
                "--log=" + dir.resolve("x.log"), "--port=0")));
        Files.delete(pidFile);
        Files.delete(piddir);

        Example.Result status = example.run(java(List.of(), "--daemon=status", "--pidfile=" + pidFile));
        assertThat(status.out()).isEqualTo(NAME + " is running, pid " + pid + " (its pidfile " + pidFile
                + " was removed)\n");
        assertThat(status.exit()).isZero();

        Files.createDirectory(piddir);
        Example.Result start = example.run(java(List.of(), "--daemon", "--pidfile=" + pidFile,
                "--log=" + dir.resolve("x.log"), "--port=0"));
        assertThat(start.out()).startsWith(NAME + " already running, pid " + pid + " (its pidfile");
        assertThat(start.exit()).isZero();
        assertThat(pidFile).doesNotExist();

        Example.Result stop = example.run(java(List.of(), "--daemon=stop", "--pidfile=" + pidFile));
        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(stop.exit()).isZero();
        assertThat(new Proc(pid).alive()).isFalse();
    }

    /**
     * Item 23: a read-only pidfile directory (svc's own daemon; root could write it anyway). The
     * stop stops the daemon and says so, exit 0, with a warning that the stale file stays.
     */
    @Test
    void stopWithAReadOnlyPidFileDirectoryStopsAndWarns() {
        long pid = started(example.run(as(svc, java(List.of(), "--daemon", pidFile(), log(), "--port=0"))));
        assertThat(Hostile.quietly(List.of("chmod", "555", run.toString()))).isZero();

        Example.Result stop = example.run(as(svc, java(List.of(), "--daemon=stop", pidFile())));

        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(stop.err()).startsWith(NAME + ": warning: cannot remove stale pidfile " + run.resolve("x.pid"))
                .endsWith("it is stale (unlocked): remove it by hand, or a start replaces it\n");
        assertThat(stop.exit()).isZero();
        assertThat(new Proc(pid).alive()).isFalse();
    }

    /**
     * Item 22: a start while a stop waits for the daemon to exit starts the service once the old
     * daemon is gone, instead of "already running" for a process about to exit.
     */
    @Test
    void aStartDuringAStopStartsOnceTheOldDaemonIsGone() {
        String pidFile = "--pidfile=" + example.pidFile;
        String log = "--log=" + example.log;
        long pid = started(example.run(java(List.of(), "--daemon", pidFile, log, "--port=0", "--slow-stop=3")));
        Background.Running stop = Background.background(example, java(List.of(), "--daemon=stop", pidFile));
        Example.awaitTrue(() -> read(example.log).contains("daemon-examples stopping"), "the daemon stopping");

        Example.Result start = example.run(java(List.of(), "--daemon", pidFile, log, "--port=0"));

        long next = started(start);
        assertThat(next).isNotEqualTo(pid);
        assertThat(stop.await(60).out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(new Proc(next).alive()).isTrue();
        assertThat(read(example.pidFile)).isEqualTo(next + "\n");
    }
}
