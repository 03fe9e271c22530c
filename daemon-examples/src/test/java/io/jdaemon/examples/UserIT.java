package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --user} and {@code --keep-caps} (issue #11), with a real user and groups made for the
 * test by useradd and groupadd (random names, removed afterwards) and checked from
 * {@code /proc/PID/status}: the JVM of the daemon never runs as root. Skipped, with the reason,
 * when not root.
 */
class UserIT extends WithExample {

    private static final String NAME = "daemon-examples";
    private static final long CAP_NET_BIND_SERVICE = 1L << 10;

    private static String user;
    private static String primary;
    private static String supplementary;
    private static long uid;
    private static long gid;
    private static long supplementaryGid;
    /** The jar, where the test user can read it. */
    private static Path jar;

    /** A directory of the test's, owned by the test user: where the daemon's files go. */
    Path run;

    @BeforeAll
    static void createUserAndGroups() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "--user needs a root launcher, and creating a user needs root; this runs as "
                        + System.getProperty("user.name"));
        Assumptions.assumeTrue(Hostile.quietly(List.of("useradd", "--help")) == 0,
                "useradd (passwd package) is not installed");
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFL);
        primary = "jdg" + tag;
        supplementary = "jds" + tag;
        user = "jdu" + tag;
        try {
            run(List.of("groupadd", primary));
            run(List.of("groupadd", supplementary));
            run(List.of("useradd", "-M", "-N", "-d", "/home/" + user, "-s", "/usr/sbin/nologin",
                    "-g", primary, "-G", supplementary, user));
            uid = Long.parseLong(output(List.of("id", "-u", user)));
            gid = Long.parseLong(output(List.of("id", "-g", user)));
            supplementaryGid = Long.parseLong(output(List.of("getent", "group", supplementary))
                    .split(":")[2]);
            jar = OtherUser.readableJar(List.of("setpriv", "--reuid=" + user, "--regid=" + primary,
                    "--clear-groups", "test", "-r"));
        } catch (Exception | AssertionError e) {
            removeUserAndGroups();
            throw e;
        }
    }

    @AfterAll
    static void removeUserAndGroups() throws IOException {
        if (user != null) {
            OtherUser.removeUser(user, primary, supplementary);
            assertThat(Hostile.quietly(List.of("id", user))).as("user %s removed", user).isNotZero();
        }
        OtherUser.removeJarCopy(jar);
    }

    @BeforeEach
    void directories() throws Exception {
        // the test user must reach DIR/run and DIR/tmp (the launcher's readiness directory)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        run = Files.createDirectory(dir.resolve("run"));
        run(List.of("chown", user + ":" + primary, run.toString()));
        Assumptions.assumeTrue(Hostile.quietly(List.of("setpriv", "--reuid=" + user, "--regid=" + primary,
                "--clear-groups", "test", "-w", run.toString())) == 0,
                "user " + user + " cannot reach " + run + " (a directory on the way is closed to it)");
    }

    /** {@code java JVM_OPTIONS -jar JAR ARGS}, with the readiness directory in the test's own. */
    private List<String> java(List<String> jvmOptions, String... args) {
        List<String> cmd = example.command(args);
        int at = cmd.indexOf("-jar");
        cmd.set(at + 1, jar.toString());
        cmd.addAll(at, jvmOptions);
        return cmd;
    }

    private List<String> daemon(String... more) {
        List<String> args = new ArrayList<>(List.of("--daemon", "--pidfile=" + run.resolve("x.pid"),
                "--log=" + run.resolve("x.log")));
        args.addAll(Arrays.asList(more));
        return java(List.of(), args.toArray(new String[0]));
    }

    private long startAsUser(List<String> command) {
        Example.Result r = example.run(command);
        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        return r.startedPid();
    }

    // ---- who the daemon is --------------------------------------------------------------

    @Test
    void theDaemonIsTheUserWithItsGroupsNoCapabilitiesAndItsEnvironment() throws Exception {
        long pid = startAsUser(java(List.of("-Xlog:gc:file=" + run.resolve("gc-%p.log")), "--daemon",
                "--user=" + user, "--pidfile=" + run.resolve("x.pid"), "--log=" + run.resolve("x.log"),
                "--port=0", "--umask=027"));
        Proc proc = new Proc(pid);

        assertThat(proc.status("Uid").split("\t")).containsOnly(Long.toString(uid)).hasSize(4);
        assertThat(proc.status("Gid").split("\t")).containsOnly(Long.toString(gid)).hasSize(4);
        assertThat(groups(proc)).containsExactlyInAnyOrder(gid, supplementaryGid);
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
            assertThat(Proc.mask(proc.status(set))).as(set).isZero();
        }
        Map<String, String> env = environment(proc);
        assertThat(env).containsEntry("HOME", "/home/" + user).containsEntry("USER", user)
                .containsEntry("LOGNAME", user);
        assertThat(Example.get(portOf(run.resolve("x.log")), "/health")).isEqualTo("ok");
        // every file of the daemon is the user's: the log, the pidfile, a file its JVM created
        assertOwnedByUser(run.resolve("x.log"));
        assertOwnedByUser(run.resolve("x.pid"));
        Path gcLog = run.resolve("gc-" + pid + ".log");
        assertOwnedByUser(gcLog);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(gcLog)))
                .as("created under --umask=027").isEqualTo("rw-r-----");
    }

    /**
     * {@code --startup-cache} for a {@code --user} daemon of root's: the archive is trained into
     * {@code /var/cache/jdaemon/uid-N}, the user's own directory (mode 0700), written by the
     * user's JVM, and the next daemon maps it (its class-load log says the example's classes came
     * from the shared objects file).
     */
    @Test
    void theUsersDaemonTrainsAndMapsItsStartupCacheInItsOwnDirectory() throws Exception {
        Path cache = Path.of("/var/cache/jdaemon", "uid-" + uid);
        try {
            List<String> start = daemon("--user=" + user, "--port=0", "--startup-cache",
                    "--jvm-option=-Xlog:class+load:file=" + run.resolve("classes-%p.txt"));
            List<String> stop = java(List.of(), "--daemon=stop", "--pidfile=" + run.resolve("x.pid"));
            long training = startAsUser(start);
            assertThat(example.run(stop).exit()).isZero();
            Example.awaitGone(training);

            assertOwnedByUser(cache);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
            List<Path> archives;
            try (java.util.stream.Stream<Path> files = Files.list(cache)) {
                archives = files.toList();
            }
            assertThat(archives).as("archives in %s", cache).hasSize(1);
            assertOwnedByUser(archives.get(0));

            long pid = startAsUser(start);
            assertThat(readQuietly(run.resolve("classes-" + pid + ".txt")))
                    .as("class loading of the second daemon, pid %d", pid)
                    .containsPattern("io\\.jdaemon\\.examples\\.\\S+ source: shared objects file");
            assertThat(example.run(stop).exit()).isZero();
            Example.awaitGone(pid);
        } finally {
            run(List.of("rm", "-rf", cache.toString())); // the test user goes at the end
        }
    }

    @Test
    void rootControlsTheUsersDaemon() throws Exception {
        long pid = startAsUser(daemon("--user=" + user, "--port=0", "--sighup=reload"));
        List<String> control = List.of("--pidfile=" + run.resolve("x.pid"));

        Example.Result status = example.run(java(List.of(), "--daemon=status", control.get(0)));
        assertThat(status.out()).isEqualTo(NAME + " is running, pid " + pid + "\n");
        assertThat(status.exit()).isZero();

        Example.Result reload = example.run(java(List.of(), "--daemon=reload", control.get(0)));
        assertThat(reload.out()).isEqualTo(NAME + " reloaded, pid " + pid + "\n");
        assertThat(readQuietly(run.resolve("x.log"))).contains("daemon-examples reloaded");
        assertThat(new Proc(pid).alive()).isTrue();

        Example.Result stop = example.run(java(List.of(), "--daemon=stop", control.get(0)));
        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(run.resolve("x.pid")).doesNotExist();
    }

    /**
     * A pidfile two levels below a directory of the user's ({@code HOME/run/x.pid}): the user can
     * swap {@code run} for a link to another daemon's directory while root acts on the path. So a
     * root start with {@code --user} refuses it (6), and root's status (4) and stop (1) of the
     * user's own daemon there refuse to act, one line each, nothing signalled; the user, whose
     * own files they are, controls the daemon.
     */
    @Test
    void rootDoesNotActOnAPidFileWhoseDirectoryTheUserCouldSwap() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.createDirectory(home.resolve("run"));
        run(List.of("chown", "-R", user + ":" + primary, home.toString()));
        String pidFile = "--pidfile=" + home.resolve("run/x.pid");
        String log = "--log=" + home.resolve("run/x.log");
        String unsafe = "pidfile " + home.resolve("run/x.pid") + " is in an unsafe place: " + home
                + " belongs to " + user + ", who could replace what is in it; another user could swap "
                + "its directory for a link while this command acts on it. Run the command as that "
                + "user, or keep the pidfile in a directory whose parents only root can change (such "
                + "as /run/NAME)";

        Example.Result refused = example.run(java(List.of(), "--daemon", "--user=" + user, pidFile, log,
                "--port=0"));
        Hostile.assertOneErrorLine(refused, NAME + ": " + unsafe, 6);
        assertThat(example.processes()).isEmpty();

        long pid = startAsUser(asTheUser(java(List.of(), "--daemon", pidFile, log, "--port=0")));
        Example.Result status = example.run(java(List.of(), "--daemon=status", pidFile));
        assertThat(status.out()).isEqualTo(NAME + ": status unknown: " + unsafe + "\n");
        assertThat(status.exit()).isEqualTo(4);
        Example.Result stop = example.run(java(List.of(), "--daemon=stop", pidFile));
        Hostile.assertOneErrorLine(stop, NAME + ": cannot stop: " + unsafe, 1);
        assertThat(new Proc(pid).alive()).as("not signalled").isTrue();

        Example.Result stopped = example.run(asTheUser(java(List.of(), "--daemon=stop", pidFile)));
        assertThat(stopped.out()).as("stderr: %s", stopped.err()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
        assertThat(new Proc(pid).alive()).isFalse();
    }

    // ---- round three of the hostile review (issue 20) ---------------------------------------

    /**
     * The user puts a FIFO at {@code outcome} in the handshake directory root gave it: root's
     * start neither blocks opening it nor waits past it; it ends at once with one line, and the
     * daemon is killed (item 5).
     */
    @Test
    void aFifoPlantedInTheHandshakeDirectoryDoesNotHangRootsStart() throws Exception {
        Path out = dir.resolve("launcher.out");
        Process launcher = new ProcessBuilder(daemon("--user=" + user, "--port=0", "--slow-start=60",
                "--start-timeout=120")).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            Path tmp = dir.resolve("tmp");
            Path[] handshake = new Path[1];
            Example.awaitTrue(() -> (handshake[0] = handshakeDirectory(tmp)) != null,
                    "the handshake directory in " + tmp);
            run(asTheUser(List.of("mkfifo", handshake[0].resolve("outcome").toString())));

            assertThat(launcher.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the launcher ended; it said %s", readQuietly(out)).isTrue();
        } finally {
            launcher.destroyForcibly();
        }
        assertThat(launcher.exitValue()).isEqualTo(1);
        assertThat(readQuietly(out)).startsWith(NAME + ": cannot start the daemon: ")
                .contains("outcome is not a regular file").hasLineCount(1);
        Example.awaitTrue(() -> example.processes().isEmpty(), "the daemon killed");
    }

    /** The one handshake directory (holding the settings) in {@code tmp}, or null. */
    private static Path handshakeDirectory(Path tmp) {
        for (String name : Hostile.list(tmp)) {
            Path candidate = tmp.resolve(name);
            if (name.startsWith("jdaemon-") && Files.exists(candidate.resolve("settings"))) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Root's session does not reach the user's daemon: sudo's variables, a Kerberos ticket
     * cache, an SSH agent, root's runtime directory and PATH are gone, HOME, USER, LOGNAME,
     * SHELL and PATH are the user's (as su - and systemd's User= give them), and what the
     * operator gave the service stays (item 12).
     */
    @Test
    void theUsersDaemonGetsALoginEnvironmentNotRootsSession() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(daemon("--user=" + user, "--port=0"));
        Map<String, String> given = pb.environment();
        given.put("SUDO_USER", "alice");
        given.put("SUDO_UID", "1000");
        given.put("SUDO_COMMAND", "/usr/bin/java");
        given.put("KRB5CCNAME", "FILE:/tmp/krb5cc_0");
        given.put("SSH_AUTH_SOCK", "/tmp/ssh-root/agent.1");
        given.put("XDG_RUNTIME_DIR", "/run/user/0");
        given.put("PATH", "/root/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
        given.put("APP_SETTING", "kept");
        Example.Result r = example.run(pb);
        assertThat(r.exit()).as(r.err()).isZero();

        Map<String, String> env = environment(new Proc(r.startedPid()));
        assertThat(env.keySet()).noneMatch(name -> name.startsWith("SUDO_"))
                .doesNotContain("KRB5CCNAME", "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR");
        assertThat(env).containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin")
                .containsEntry("SHELL", "/usr/sbin/nologin").containsEntry("HOME", "/home/" + user)
                .containsEntry("USER", user).containsEntry("LOGNAME", user)
                .containsEntry("APP_SETTING", "kept");
    }

    /**
     * For a user without a usable home, another user making {@code java.io.tmpdir/jdaemon-USER}
     * first does not lock it out: its launcher uses a fresh private directory of its own,
     * removed when it exits (item 17).
     */
    @Test
    void aCacheDirectoryTakenByAnotherUserDoesNotLockTheUserOut() throws Exception {
        Path tmp = dir.resolve("tmp");
        example.command(); // makes tmp, 1777
        Path taken = Files.createDirectory(tmp.resolve("jdaemon-" + user)); // root's, as mallory's would be
        ProcessBuilder pb = new ProcessBuilder(asTheUser(daemon("--port=0")));
        pb.environment().remove("XDG_CACHE_HOME");

        Example.Result r = example.run(pb);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(new Proc(r.startedPid()).status("Uid").split("\t")).containsOnly(Long.toString(uid));
        assertThat(Hostile.list(tmp)).as("the taken directory stays; the fresh one is removed")
                .contains(taken.getFileName().toString())
                .noneMatch(name -> name.startsWith("jdaemon-" + user + "-"));
        Example.Result stop = example.run(asTheUser(java(List.of(), "--daemon=stop",
                "--pidfile=" + run.resolve("x.pid"))));
        assertThat(stop.exit()).as(stop.err()).isZero();
    }

    /** A java.io.tmpdir the user cannot enter is named as such, before anything starts (item 18). */
    @Test
    void aTemporaryDirectoryClosedToTheUserIsNamed() throws Exception {
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

        Example.Result r = example.run(java(List.of("-Djava.io.tmpdir=" + closed), "--daemon",
                "--user=" + user, "--pidfile=" + run.resolve("x.pid"), "--log=" + run.resolve("x.log"),
                "--port=0"));

        Hostile.assertOneErrorLine(r, NAME + ": java.io.tmpdir " + closed + ", where the launcher meets the "
                + "daemon, is closed to the daemon's user: user " + user + " cannot enter " + closed
                + " (owner 0:0, mode 0700); start with -Djava.io.tmpdir=DIR, a directory that user can "
                + "enter (such as /tmp)", 6);
        assertThat(example.processes()).isEmpty();
    }

    /** {@code command} run as the test user (its primary group only), not through --user. */
    private static List<String> asTheUser(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + primary,
                "--clear-groups"));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * logrotate's {@code create 0640 USER GROUP}: root renames the log and makes a new one for the
     * user in a directory of root's; the reload makes the daemon reopen it as the user.
     */
    @Test
    void aLogRotatedWithCreateForTheUserIsReopenedOnReload() throws Exception {
        Path logs = Files.createDirectory(dir.resolve("logs"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = logs.resolve("x.log");
        run(List.of("install", "-m", "0640", "-o", user, "-g", primary, "/dev/null", log.toString()));
        long pid = startAsUser(java(List.of(), "--daemon", "--user=" + user, "--sighup=reload",
                "--pidfile=" + run.resolve("x.pid"), "--log=" + log, "--port=0"));
        Example.awaitTrue(() -> readQuietly(log).contains("listening on port"), "the port line in " + log);

        Files.move(log, logs.resolve("x.log.1"));
        run(List.of("install", "-m", "0640", "-o", user, "-g", primary, "/dev/null", log.toString()));
        Example.Result reload = example.run(java(List.of(), "--daemon=reload", "--pidfile=" + run.resolve("x.pid")));

        assertThat(reload.exit()).as("stderr: %s", reload.err()).isZero();
        Example.awaitTrue(() -> readQuietly(log).contains("daemon-examples reloaded"), "the reload line in " + log);
        assertThat(readQuietly(logs.resolve("x.log.1"))).doesNotContain("reloaded");
        assertOwnedByUser(log);
        assertThat(new Proc(pid).alive()).isTrue();
    }

    @Test
    void restartKeepsTheUser() {
        long first = startAsUser(daemon("--user=" + user, "--port=0"));

        Example.Result restart = example.run(daemonRestart("--user=" + user, "--port=0"));
        assertThat(restart.exit()).as("stderr: %s", restart.err()).isZero();
        long second = restart.startedPid();

        assertThat(second).isNotEqualTo(first);
        assertThat(new Proc(first).alive()).isFalse();
        assertThat(new Proc(second).status("Uid").split("\t")).containsOnly(Long.toString(uid));
    }

    /**
     * A restart that forgets --user does not bring the daemon back as root: it starts from root's
     * launch record (issue 20).
     */
    @Test
    void restartWithoutTheFlagsKeepsTheRunningDaemonsUserAndCapabilities() {
        assumePort80IsFree();
        long first = startAsUser(daemon("--user=" + user, "--keep-caps=net_bind_service", "--port=80"));

        Example.Result restart = example.run(daemonRestart("--port=80"));
        assertThat(restart.exit()).as("stderr: %s", restart.err()).isZero();
        long second = restart.startedPid();

        assertThat(new Proc(first).alive()).isFalse();
        Proc proc = new Proc(second);
        assertThat(proc.status("Uid").split("\t")).containsOnly(Long.toString(uid));
        assertThat(Proc.mask(proc.status("CapAmb"))).isEqualTo(CAP_NET_BIND_SERVICE);
        assertThat(Example.get(80, "/pid")).isEqualTo(Long.toString(second));
    }

    private List<String> daemonRestart(String... more) {
        List<String> cmd = daemon(more);
        cmd.set(cmd.indexOf("--daemon"), "--daemon=restart");
        return cmd;
    }

    @Test
    void anotherUnprivilegedUserCannotStopIt() {
        OtherUser.assumeCanRunAsNobody();
        long pid = startAsUser(daemon("--user=" + user, "--port=0"));

        Example.Result stop = example.run(OtherUser.asNobody(java(List.of(), "--daemon=stop",
                "--pidfile=" + run.resolve("x.pid"), "--stop-timeout=1")));

        // Not its daemon: the user's, and no launch record of nobody's names it (issue 20).
        Hostile.assertOneErrorLine(stop, NAME + ": cannot stop: pidfile " + run.resolve("x.pid")
                + " is locked by pid " + pid + " of uid " + uid + ", and no launch record of this user "
                + "names it (run this command as that user, or choose another --pidfile); not touching "
                + "it (remove the lock or choose another --pidfile)", 4);
        assertThat(new Proc(pid).alive()).isTrue();
    }

    // ---- ports below 1024 --------------------------------------------------------------

    @Test
    void withNetBindServiceTheUserBindsPort80AndKeepsExactlyThat() {
        assumePort80IsFree();
        long pid = startAsUser(daemon("--user=" + user, "--keep-caps=net_bind_service", "--port=80"));
        Proc proc = new Proc(pid);

        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
            assertThat(Proc.mask(proc.status(set))).as(set).isEqualTo(CAP_NET_BIND_SERVICE);
        }
        assertThat(proc.status("Uid").split("\t")).containsOnly(Long.toString(uid));
        assertThat(Example.get(80, "/pid")).isEqualTo(Long.toString(pid));
    }

    @Test
    void withoutTheCapabilityPort80IsRefusedAndTheLauncherSaysWhy() {
        assumePort80IsFree();

        Example.Result r = example.run(daemon("--user=" + user, "--port=80"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(NAME + ": failed to start: java.net.BindException: Permission denied");
        assertThat(run.resolve("x.pid")).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    private static void assumePort80IsFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80));
        } catch (IOException e) {
            Assumptions.abort("port 80 on the loopback address is taken or cannot be bound: " + e);
        }
    }

    /**
     * A kernel without ambient capabilities (before Linux 4.3), imitated by strace making prctl
     * fail with EINVAL, as such a kernel does for PR_CAP_AMBIENT: one line, nothing started. (The
     * helper's first prctl, the parent-death signal, is left alone; {@code -D} keeps the helper a
     * child of the launcher, which it checks.)
     */
    @Test
    void aKernelWithoutAmbientCapabilitiesIsNamedAndNothingStarts() {
        Assumptions.assumeTrue(Hostile.quietly(List.of("strace", "-o", "/dev/null", "true")) == 0,
                "strace is not installed or cannot trace here");
        Path helper = FakeHelper.script(dir.resolve("old-kernel-helper.sh"), "#!/bin/bash\n"
                + "exec strace -D -f -o /dev/null -e trace=prctl -e inject=prctl:error=EINVAL:when=2+ "
                + FakeHelper.realHelper(dir) + " \"$@\"\n");

        Example.Result r = example.run(java(List.of("-Djdaemon.helper=" + helper), "--daemon",
                "--user=" + user, "--keep-caps=net_bind_service", "--pidfile=" + run.resolve("x.pid"),
                "--log=" + run.resolve("x.log"), "--port=0"));

        Hostile.assertOneErrorLine(r, NAME + ": cannot start: this kernel has no ambient capabilities "
                + "(Linux 4.3 or later is needed to keep capabilities)", 3);
        assertThat(Hostile.list(run)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    // ---- refusals, before anything is spawned --------------------------------------------

    @Test
    void anUnknownUserOrGroupIsNamed() {
        Hostile.assertOneErrorLine(example.run(daemon("--user=nosuch" + user, "--port=0")), NAME
                + ": unknown user nosuch" + user + " (not in /etc/passwd; for users from LDAP or "
                + "other NSS sources give numeric ids, --user=UID:GID)", 2);
        Hostile.assertOneErrorLine(example.run(daemon("--user=" + user + ":nosuch", "--port=0")), NAME
                + ": unknown group nosuch (not in /etc/group; for groups from LDAP or other NSS "
                + "sources give a numeric id, --user=USER:GID)", 2);
        assertThat(Hostile.list(run)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void keptCapabilitiesNeedAUserAndKnownNames() {
        Hostile.assertOneErrorLine(example.run(daemon("--keep-caps=net_bind_service", "--port=0")),
                NAME + ": --keep-caps needs --user: capabilities are kept only when the daemon runs "
                        + "as another user (a root daemon has them all)", 2);
        Example.Result unknown = example.run(daemon("--user=" + user, "--keep-caps=net_bind", "--port=0"));
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith(NAME + ": --keep-caps: unknown capability net_bind;");
        assertThat(Hostile.list(run)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLauncherThatIsNotRootCannotSwitchUsers() {
        OtherUser.assumeCanRunAsNobody();
        Path nb = OtherUser.nobodyDir(dir.resolve("nb"));

        Example.Result r = example.run(OtherUser.asNobody(java(List.of(), "--daemon", "--user=" + user,
                "--pidfile=" + nb.resolve("x.pid"), "--log=" + nb.resolve("x.log"), "--port=0")));

        Hostile.assertOneErrorLine(r, NAME + ": --user=" + user + " needs a root launcher (only root "
                + "can switch users); start it as root, or omit --user", 4);
        assertThat(Hostile.list(nb)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aLogDirectoryTheUserCannotWriteGetsThePathAndTheFix() throws Exception {
        Path rootOnly = Files.createDirectory(dir.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));

        Example.Result r = example.run(java(List.of(), "--daemon", "--user=" + user,
                "--pidfile=" + run.resolve("x.pid"), "--log=" + rootOnly.resolve("x.log"), "--port=0"));

        Hostile.assertOneErrorLine(r, NAME + ": log directory " + rootOnly + " is not writable by the "
                + "daemon's user: user " + user + " cannot write in it (owner 0:0, mode 0755); give it "
                + "to that user (install -d -o " + user + " -g " + gid + " " + rootOnly + ") or choose "
                + "another --log", 6);
        assertThat(Hostile.list(rootOnly)).isEmpty();
        assertThat(Hostile.list(run)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aWorkingDirectoryTheUserCannotEnterIsRefusedBeforeTheSpawn() throws Exception {
        // The default working directory is the launcher's: root's, perhaps closed to the user.
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

        Example.Result r = example.run(daemon("--user=" + user, "--port=0", "--workdir=" + closed));

        Hostile.assertOneErrorLine(r, NAME + ": working directory " + closed + " cannot be entered by "
                + "the daemon's user: user " + user + " cannot enter " + closed + " (owner 0:0, mode "
                + "0700); give a --workdir that user can enter (--workdir=/ for daemon(3)'s behaviour)", 6);
        assertThat(Hostile.list(run)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void underSystemdTypeNotifyUserIsRefusedWithAPointerToTheUnit() {
        ProcessBuilder pb = new ProcessBuilder(daemon("--user=" + user, "--port=0"));
        pb.environment().put("NOTIFY_SOCKET", dir.resolve("no-such-socket").toString());

        Hostile.assertOneErrorLine(example.run(pb), NAME + ": --user=" + user + " cannot be honoured: "
                + "under systemd's Type=notify (NOTIFY_SOCKET is set) the service stays in the "
                + "foreground; remove --user and --keep-caps and set User=" + user
                + " (and AmbientCapabilities=CAP_NET_BIND_SERVICE...) in the unit", 3);
        assertThat(Hostile.list(run)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void asPid1OfAContainerUserIsRefusedWithAPointerToTheContainersUser() {
        Assumptions.assumeTrue(Hostile.quietly(List.of("unshare", "--pid", "--fork", "--mount-proc",
                "true")) == 0, "unshare --pid --fork --mount-proc is not permitted here");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
        cmd.addAll(daemon("--user=" + user, "--port=0"));
        // A JVM that is PID 1 shares /tmp/hsperfdata_root/1 with every other PID 1 JVM of the
        // machine (another test run's), and warns on stdout when one holds it: no perf data file.
        cmd.add(cmd.indexOf("-jar"), "-XX:-UsePerfData");

        Hostile.assertOneErrorLine(example.run(cmd), NAME + ": --user=" + user + " cannot be honoured: "
                + "as PID 1 of a container the service stays in the foreground; run the container as "
                + "that user instead (docker run --user UID:GID, --cap-add for capabilities)", 3);
        assertThat(Hostile.list(run)).isEmpty();
    }

    /**
     * Once the root launcher has given the handshake directory to the daemon's user, that user
     * can rename it and put a link to a directory of root's in its place (java.io.tmpdir is
     * sticky, and the entry is theirs). The launcher reads the outcome and removes the handshake
     * files through the descriptor of the directory it made, so no file of root's behind the
     * link is read as an outcome or deleted; the start fails (the daemon's outcome cannot reach
     * the launcher) and says so.
     */
    @Test
    void theUserCannotMakeTheRootLauncherReadOrDeleteThroughASwappedHandshakeDirectory() throws Exception {
        Path roots = Files.createDirectory(dir.resolve("roots"));
        List<String> names = List.of("settings", "outcome", "extend");
        for (String name : names) {
            Files.writeString(roots.resolve(name), "READY\0root's " + name);
        }
        List<String> command = daemon("--user=" + user, "--port=0", "--slow-start=1",
                "--start-timeout=3");
        Path tmp = dir.resolve("tmp");
        Set<Path> before = Set.copyOf(Hostile.list(tmp).stream().map(tmp::resolve).toList());
        Background.Running launcher = Background.background(example, new ProcessBuilder(command));
        Example.Result r;
        try {
            Path handshake = awaitNewDirectoryOfTheUser(tmp, before);
            run(List.of("setpriv", "--reuid=" + user, "--regid=" + primary, "--clear-groups", "sh",
                    "-c", "mv \"$1\" \"$1.aside\" && ln -s \"$2\" \"$1\"", "sh",
                    handshake.toString(), roots.toString()));
            r = launcher.await(60);
        } finally {
            launcher.process().destroyForcibly();
        }

        assertThat(r.exit()).as("launcher stdout: %s, stderr: %s", r.out(), r.err()).isNotZero();
        assertThat(r.out()).doesNotContain("started");
        Hostile.assertNoStackTrace(r);
        assertThat(r.err()).startsWith(NAME + ": ");
        for (String name : names) {
            assertThat(roots.resolve(name)).as("root's file behind the link")
                    .hasContent("READY\0root's " + name);
        }
        assertThat(example.processes()).as("the daemon was killed").isEmpty();
    }

    /** The handshake directory a launcher just made in {@code tmp}, once it is the user's. */
    private static Path awaitNewDirectoryOfTheUser(Path tmp, Set<Path> before) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String name : Hostile.list(tmp)) {
                Path entry = tmp.resolve(name);
                if (name.startsWith("jdaemon-") && !before.contains(entry)
                        && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                        && ((Number) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                                .longValue() == uid) {
                    return entry;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no handshake directory of " + user + " appeared in " + tmp);
    }

    // ---- helpers --------------------------------------------------------------------------

    private static void assertOwnedByUser(Path file) throws IOException {
        assertThat(((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue())
                .as("owner of %s", file).isEqualTo(uid);
        assertThat(((Number) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue())
                .as("group of %s", file).isEqualTo(gid);
    }

    private static Set<Long> groups(Proc proc) {
        return Arrays.stream(proc.status("Groups").trim().split("\\s+")).filter(s -> !s.isEmpty())
                .map(Long::parseLong).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> environment(Proc proc) {
        Map<String, String> env = new HashMap<>();
        for (String entry : proc.environ()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    private static int portOf(Path log) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("listening on port (\\d+)");
        Example.awaitTrue(() -> p.matcher(readQuietly(log)).find(), "port in " + log);
        java.util.regex.Matcher m = p.matcher(readQuietly(log));
        m.find();
        return Integer.parseInt(m.group(1));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void run(List<String> cmd) {
        assertThat(Hostile.quietly(cmd)).as("%s", cmd).isZero();
    }

    private static String output(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as("%s: %s", cmd, out).isZero();
        return out;
    }
}
