package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code --listen=[ADDR:]PORT} and systemd socket activation (issue #24), from outside: the
 * example started as a user would, its listening socket found through {@code /proc/PID/fd} and
 * {@code /proc/net/tcp*} (in LISTEN state, at fd 0 of a daemon), and asked over TCP who serves.
 */
class ListenIT extends WithExample {

    private static final String NAME = "daemon-examples";

    // ---- --listen with --daemon: the helper binds, the daemon gets fd 0 ----------------------

    @Test
    void theDaemonServesOnTheSocketTheHelperBoundAsItsFdZero() {
        long pid = example.startDaemon("--listen=127.0.0.1:0");
        Sockets.Listening socket = Sockets.listeningAt(pid, 0);
        assertThat(socket).as("fd 0 of the daemon: %s", new Proc(pid).fds()).isNotNull();
        assertThat(socket.address()).isEqualTo("127.0.0.1");
        assertThat(example.port()).as("the port the example says it serves on").isEqualTo(socket.port());
        assertThat(Sockets.get(socket.port(), "/pid")).isEqualTo(Long.toString(pid));
    }

    @Test
    void thePortAloneListensOnEveryAddressIpv4AndIpv6() {
        long pid = example.startDaemon("--listen=0");
        Sockets.Listening socket = Sockets.listeningAt(pid, 0);
        assertThat(socket).as("fd 0 of the daemon: %s", new Proc(pid).fds()).isNotNull();
        // Dual-stack where the host has IPv6 ([::] takes IPv4 too), else 0.0.0.0.
        assertThat(socket.address()).isIn("::", "0.0.0.0");
        assertThat(Sockets.get(socket.port(), "/health")).isEqualTo("ok");
    }

    @Test
    void aRestartListensAgainFromTheLaunchRecord() {
        long pid = example.startDaemon("--listen=127.0.0.1:0");
        Example.Result r = example.control("restart");
        assertThat(r.exit()).as("restart: %s / %s", r.out(), r.err()).isZero();
        long restarted = Long.parseLong(example.pidFileContent().strip());
        assertThat(restarted).isNotEqualTo(pid);
        Sockets.Listening socket = Sockets.listeningAt(restarted, 0);
        assertThat(socket).as("fd 0 of the restarted daemon: %s", new Proc(restarted).fds()).isNotNull();
        assertThat(Sockets.get(socket.port(), "/pid")).isEqualTo(Long.toString(restarted));
    }

    // ---- root launcher, --user: a privileged port for a JVM with no capability ------------------

    @Test
    void aRootLauncherBindsAPrivilegedPortForADaemonWithoutCapabilities() throws IOException {
        OtherUser.assumeCanRunAsNobody();
        Path jar = OtherUser.readableJar(OtherUser.asNobody(List.of("test", "-r")));
        try {
            Path run = nobodysRun();
            for (int attempt = 0; ; attempt++) {
                int port = Sockets.freePrivilegedPort();
                List<String> cmd = new ArrayList<>(List.of(Example.JAVA, "-jar", jar.toString(),
                        "--daemon", "--user=nobody:nogroup", "--pidfile=" + run.resolve("example.pid"),
                        "--log=" + run.resolve("example.log"), "--workdir=" + run,
                        "--listen=127.0.0.1:" + port));
                Example.Result r = example.run(cmd);
                if (r.exit() != 0 && r.err().contains("EADDRINUSE") && attempt < 5) {
                    continue; // taken between the test's look and the helper's bind
                }
                assertThat(r.exit()).as("launcher: %s / %s", r.out(), r.err()).isZero();
                long pid = r.startedPid();
                Proc daemon = new Proc(pid);
                assertThat(daemon.status("Uid")).startsWith("65534\t");
                assertThat(Proc.mask(daemon.status("CapEff"))).as("effective capabilities").isZero();
                assertThat(Proc.mask(daemon.status("CapPrm"))).as("permitted capabilities").isZero();
                assertThat(Proc.mask(daemon.status("CapAmb"))).as("ambient capabilities").isZero();
                Sockets.Listening socket = Sockets.listeningAt(pid, 0);
                assertThat(socket).as("fd 0 of the daemon: %s", daemon.fds()).isNotNull();
                assertThat(socket.port()).isEqualTo(port);
                assertThat(Sockets.get(port, "/pid")).isEqualTo(Long.toString(pid));
                Example.signal(pid, "TERM");
                Example.awaitGone(pid);
                return;
            }
        } finally {
            OtherUser.removeJarCopy(jar);
        }
    }

    @Test
    void anOrdinaryUserGetsOneLineForAPrivilegedPort() {
        OtherUser.assumeCanRunAsNobody();
        Path run = nobodysRun();
        Path jar;
        try {
            jar = OtherUser.readableJar(OtherUser.asNobody(List.of("test", "-r")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            int port = Sockets.freePrivilegedPort();
            Example.Result r = example.run(new ProcessBuilder(OtherUser.asNobody(List.of(Example.JAVA,
                    "-Djava.io.tmpdir=" + run, "-jar", jar.toString(), "--daemon",
                    "--pidfile=" + run.resolve("example.pid"), "--log=" + run.resolve("example.log"),
                    "--listen=127.0.0.1:" + port))));
            Hostile.assertOneErrorLine(r, NAME + ": cannot start: cannot listen on --listen=127.0.0.1:"
                    + port + ": permission denied (EACCES); ports below 1024 need root or "
                    + "CAP_NET_BIND_SERVICE: start as root (with --user) or choose a port of 1024 "
                    + "or above", 6);
            assertThat(example.processes()).as("processes left").isEmpty();
            assertThat(Files.exists(run.resolve("example.pid"))).as("pidfile").isFalse();
        } finally {
            try {
                OtherUser.removeJarCopy(jar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A directory of nobody's in the test's directory, which nobody may enter. */
    private Path nobodysRun() {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return OtherUser.nobodyDir(dir.resolve("run"));
    }

    // ---- bad input: one line, nothing started ----------------------------------------------

    @Test
    void aPortInUseIsOneLineAndNothingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Example.Result r = example.run(example.daemonCommand("--listen=127.0.0.1:" + port));
            Hostile.assertOneErrorLine(r, NAME + ": cannot start: cannot listen on --listen=127.0.0.1:"
                    + port + ": the port is in use (EADDRINUSE); stop what listens there or choose "
                    + "another --listen", 6);
            assertThat(example.processes()).as("processes left").isEmpty();
            assertThat(Files.exists(example.pidFile)).as("pidfile").isFalse();
        }
    }

    @Test
    void anAddressOfNoInterfaceIsOneLine() {
        // 192.0.2.1: TEST-NET-1 (RFC 5737), never a host's own address.
        Example.Result r = example.run(example.daemonCommand("--listen=192.0.2.1:8080"));
        Hostile.assertOneErrorLine(r, NAME + ": cannot start: cannot listen on --listen=192.0.2.1:8080: "
                + "no interface of this host has that address (EADDRNOTAVAIL); give one of its "
                + "addresses, or the port alone for all", 6);
        assertThat(example.processes()).as("processes left").isEmpty();
    }

    @Test
    void aMalformedValueIsAUsageLine() {
        Map<String, String> problems = Map.of(
                "localhost:8080", "has no numeric IPv4 address before ':'",
                "::1:8080", "has more than one ':' (an IPv6 address goes in brackets)",
                "65536", "has no port 0..65535",
                "127.0.0.1", "has no port 0..65535",
                "[::1]8080", "is not [IPv6]:PORT");
        problems.forEach((bad, problem) -> {
            Example.Result r = example.run(example.daemonCommand("--listen=" + bad));
            Hostile.assertOneErrorLine(r, NAME + ": --listen=" + bad + " " + problem
                    + "; give a port (8080), a numeric IPv4 address and port (127.0.0.1:8080) or an "
                    + "IPv6 one in brackets ([::1]:8080); a port is 0..65535", 2);
        });
        assertThat(example.processes()).as("processes left").isEmpty();
    }

    // ---- the foreground: the same option binds in the JVM ----------------------------------

    @Test
    void inTheForegroundTheJvmBindsTheSameOption() throws Exception {
        Path out = dir.resolve("foreground.out");
        Process p = new ProcessBuilder(example.command("--listen=127.0.0.1:0"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            int port = Sockets.portInOutput(out);
            assertThat(Sockets.get(port, "/pid")).isEqualTo(Long.toString(p.pid()));
            assertThat(Sockets.listeningPorts(p.pid())).contains(port);
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---- systemd socket activation ----------------------------------------------------------

    @Test
    void socketActivationWithDaemonHandsSystemdsFd3ToTheDaemon() throws Exception {
        activated(false, null, "--daemon", "--pidfile=" + example.pidFile, "--log=" + example.log);
    }

    @Test
    void socketActivationAsStandardInputWithDaemon() throws Exception {
        // --inetd: the listening socket as fd 0 (systemd's StandardInput=socket), no LISTEN_FDS.
        activated(true, null, "--daemon", "--pidfile=" + example.pidFile, "--log=" + example.log);
    }

    @Test
    void socketActivationInTheForeground() throws Exception {
        activated(false, null);
    }

    @Test
    void socketActivationUnderTypeNotify() throws Exception {
        // NOTIFY_SOCKET: --daemon stays in the foreground, and READY=1 comes from the process
        // that serves on systemd's socket.
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            long pid = activated(false, dir.resolve("notify").toString(), "--daemon",
                    "--pidfile=" + example.pidFile);
            assertThat(systemd.await("READY=1").senderPid()).isEqualTo(pid);
        }
    }

    /**
     * Starts the example under {@code systemd-socket-activate} (it listens, and runs the command
     * at the first connection, with the socket at fd 3 and LISTEN_FDS, or with {@code inetd} at
     * fd 0), connects, and checks that the service answers on systemd's socket; with
     * {@code notifySocket}, as NOTIFY_SOCKET. Returns the serving PID.
     */
    private long activated(boolean inetd, String notifySocket, String... args) throws Exception {
        Assumptions.assumeTrue(Hostile.quietly(List.of("systemd-socket-activate", "--version")) == 0,
                "systemd-socket-activate (Debian's systemd package) is not installed");
        int port = Sockets.freePort();
        List<String> cmd = new ArrayList<>(List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port));
        if (inetd) {
            cmd.add("--inetd");
        }
        if (notifySocket != null) {
            cmd.addAll(List.of("-E", "NOTIFY_SOCKET=" + notifySocket));
        }
        cmd.addAll(example.command(args));
        Path out = dir.resolve("activate.out");
        Process activate = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            Sockets.awaitListening(port);
            // The first connection starts the service; it waits in the socket's queue meanwhile.
            String servedBy = Sockets.get(port, "/pid");
            assertThat(servedBy).as("answer; output: %s", Sockets.read(out)).isNotNull();
            long pid = Long.parseLong(servedBy);
            boolean detached = args.length > 0 && notifySocket == null;
            if (detached) {
                assertThat(activate.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(activate.exitValue()).as("launcher: %s", Sockets.read(out)).isZero();
                if (!inetd) { // --inetd gives the launcher the socket as stdout too: its line is lost
                    assertThat(Sockets.read(out)).contains(NAME + " started, pid " + pid);
                }
                assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
                Sockets.Listening socket = Sockets.listeningAt(pid, 0);
                assertThat(socket).as("fd 0 of the daemon: %s", new Proc(pid).fds()).isNotNull();
                assertThat(socket.port()).isEqualTo(port);
                assertThat(new Proc(pid).environ()).noneMatch(e -> e.startsWith("LISTEN_"));
            } else {
                assertThat(pid).isEqualTo(activate.pid()); // it executed the JVM
                assertThat(Sockets.listeningAt(pid, 0)).as("fd 0: %s", new Proc(pid).fds()).isNotNull();
                // Moved, not copied: fd 3 is free again (the JVM may have reused it).
                assertThat(new Proc(pid).fds().get(3)).isNotEqualTo(new Proc(pid).fds().get(0));
            }
            assertThat(Sockets.get(port, "/health")).isEqualTo("ok");
            return pid;
        } finally {
            activate.destroy();
            activate.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
