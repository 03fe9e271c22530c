package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The native calls that are not covered by the integration tests' daemons. */
@EnabledOnOs(OS.LINUX)
class LibCTest {

    private interface Env extends Library {
        Env INSTANCE = Native.load("c", Env.class);

        int setenv(String name, String value, int overwrite);
    }

    /** What a child started with an untouched ProcessBuilder environment sees of a variable. */
    private static String childSees(String name) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo \"${" + name + "-unset}\"").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    @Test
    void unsetenvHidesAVariableFromChildProcesses() throws Exception {
        String name = "JDAEMON_LIBC_TEST_" + ProcessHandle.current().pid();
        Env.INSTANCE.setenv(name, "inherited", 1);
        assertThat(childSees(name)).isEqualTo("inherited");

        LibC.unsetenv(name);

        assertThat(childSees(name)).isEqualTo("unset");
    }

    /**
     * TCP_INFO's counters at the offsets LibC reads, on a real loopback connection: the accepted
     * end counts what it received, and what it sent once the peer acknowledged it.
     */
    @Test
    void tcpConnectionCountsTheBytesOfTheAcceptedEnd() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            int port = server.getLocalPort();
            LibC.TcpConnection fresh = acceptedEnd(port, c -> true);
            assertThat(fresh.bytesReceived()).isZero();
            assertThat(fresh.bytesAcked()).isZero();

            client.getOutputStream().write(new byte[5]);
            assertThat(accepted.getInputStream().readNBytes(5)).hasSize(5);
            LibC.TcpConnection asked = acceptedEnd(port, c -> c.bytesReceived() == 5);
            assertThat(asked.bytesAcked()).isZero();

            accepted.getOutputStream().write(new byte[3]);
            assertThat(client.getInputStream().readNBytes(3)).hasSize(3);
            LibC.TcpConnection answered = acceptedEnd(port, c -> c.bytesAcked() == 3);
            assertThat(answered.bytesReceived()).isEqualTo(5);
        }
    }

    /** The accepted end on {@code port} once {@code until} holds (an ACK takes a moment). */
    private static LibC.TcpConnection acceptedEnd(int port, java.util.function.Predicate<LibC.TcpConnection> until)
            throws IOException, InterruptedException {
        List<LibC.TcpConnection> seen = new ArrayList<>();
        for (int attempt = 0; attempt < 1000; attempt++) {
            seen.clear();
            for (String fd : new File("/proc/self/fd").list()) {
                String target;
                try {
                    target = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
                } catch (IOException e) {
                    continue;
                }
                LibC.TcpConnection c = target.startsWith("socket:") ? LibC.tcpConnection(Integer.parseInt(fd)) : null;
                if (c != null && c.localPort() == port) {
                    seen.add(c);
                }
            }
            assertThat(seen).as("established connections on port %d", port).hasSize(1);
            if (until.test(seen.get(0))) {
                return seen.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("never reached on port " + port + ": " + seen);
    }
}
