package io.jdaemon.internal.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.ListeningPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class JvmOptionsTest {

    @Test
    void aDebuggerServerOnAPortIsRefusedNamingTheOptionAndTheFix() {
        String jdwp = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005";
        DaemonException e = catchThrowableOfType(DaemonException.class,
                () -> JvmOptions.refuseListeningOptions(List.of("-Xmx1g", jdwp)));
        assertThat(e.exitCode()).isEqualTo(ExitStatus.USAGE);
        assertThat(e.getMessage()).isEqualTo(jdwp + " on the java command line starts a debugger in "
                + "this launcher, on port 5005, where the daemon could not listen again; give it to the "
                + "daemon only: --jvm-option=" + jdwp);
        assertThat(catchThrowableOfType(DaemonException.class, () -> JvmOptions.refuseListeningOptions(
                List.of("-Xrunjdwp:server=y,transport=dt_socket,address=8000,suspend=n"))))
                .hasMessageContaining("on port 8000");
    }

    @Test
    void aDebuggerThatListensNowhereFixedIsLeftAlone() {
        JvmOptions.refuseListeningOptions(List.of(
                "-agentlib:jdwp=transport=dt_socket,server=n,address=host:5005", // attaches out
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n", // an ephemeral port
                "-agentlib:jdwp=transport=dt_socket,server=y,address=localhost:0",
                "-Dserver=y,address=5005"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aPortThisProcessListensOnIsNamedWithTheOptionThatOpenedIt() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = socket.getLocalPort();
            assertThat(ListeningPorts.ofThisProcess()).contains(port);
            String agent = "-javaagent:/opt/agent.jar=" + port + ":config.yaml";
            String log = "java.net.BindException: Address already in use";
            assertThat(JvmOptions.heldPort(List.of("-Xmx1g", "-Dother=1" + port, agent), log))
                    .isEqualTo("the daemon could not listen on port " + port + ": this launcher holds "
                            + "it, started by " + agent + " on the java command line, which acts in the "
                            + "launcher and again in the daemon; give it to the daemon only: "
                            + "--jvm-option=" + agent);
            assertThat(JvmOptions.heldPort(List.of(), null))
                    .contains("(" + port + ")").contains("--jvm-option=OPTION");
            // A failure that is not about a port is not blamed on one.
            assertThat(JvmOptions.heldPort(List.of(agent), "java.lang.IllegalStateException: boom")).isNull();
        }
    }

    @Test
    void listeningSocketsAreThoseOfThisProcessInTheListenState() {
        String table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0\n"
                + "   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0\n"
                + "   2: 0100007F:1F92 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0\n";
        assertThat(ListeningPorts.listening(table, Set.of("111", "333"))).containsExactly(8080);
    }
}
