package io.jdaemon.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdaemon.DaemonException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which systemd socket is this process's (sd_listen_fds(3)'s rules). */
class ListenerTest {

    @Test
    void oneSocketForThisProcessIsFd3() {
        assertThat(Listener.systemdSocket(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1"), 42)).isEqualTo(3);
    }

    @Test
    void anotherProcesssSocketsAreNotTaken() {
        // LISTEN_PID names the parent that was activated: its children must not take its sockets.
        assertThat(Listener.systemdSocket(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42)).isEqualTo(-1);
        assertThat(Listener.systemdSocket(Map.of("LISTEN_FDS", "1"), 42)).isEqualTo(-1);
        assertThat(Listener.systemdSocket(Map.of(), 42)).isEqualTo(-1);
        assertThat(Listener.systemdSocket(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "0"), 42)).isEqualTo(-1);
    }

    @Test
    void moreThanOneIsOneLine() {
        assertThatThrownBy(() -> Listener.systemdSocket(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2",
                "LISTEN_FDNAMES", "http:admin"), 42))
                .isInstanceOf(DaemonException.class)
                .hasMessage("systemd passed 2 sockets (LISTEN_FDS=2, LISTEN_FDNAMES=http:admin); the "
                        + "service takes one listening socket: give its socket unit one ListenStream=");
    }
}
