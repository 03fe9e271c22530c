package io.jdaemon.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdaemon.DaemonException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --listen} values as the helper's listen.c takes them (its listen_test.c has the same cases). */
class ListenAddressTest {

    @ParameterizedTest
    @CsvSource({
        "8080, , 8080",
        "0, , 0",
        "65535, , 65535",
        "00080, , 80",
        "127.0.0.1:80, 127.0.0.1, 80",
        "0.0.0.0:8080, 0.0.0.0, 8080",
        "[::1]:8080, 0:0:0:0:0:0:0:1, 8080",
        "[::]:0, 0:0:0:0:0:0:0:0, 0",
        "[fe80::1:2]:443, fe80:0:0:0:0:0:1:2, 443",
        "[::ffff:127.0.0.1]:80, 0:0:0:0:0:ffff:7f00:1, 80",
    })
    void takes(String spec, String address, int port) {
        ListenAddress a = ListenAddress.parse(spec);
        assertThat(a.spec()).isEqualTo(spec);
        assertThat(a.port()).isEqualTo(port);
        if (address == null) {
            assertThat(a.address()).isNull();
        } else {
            assertThat(a.address().getHostAddress()).isEqualTo(address);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "65536", "99999999999999999999", "-1", "+80", " 80", "80 ", "http",
        ":80", "127.0.0.1:", "127.0.0.1", "127.1:80", "256.0.0.1:80", "01.2.3.4:80", "localhost:80",
        "::1:8080", "[::1]", "[::1]:", "[::1]8080", "[]:80", "[127.0.0.1]:80", "[fe80::1%eth0]:80",
        "[::1:80", "[::1]:80:80", "127.0.0.1:80:80", "1.2.3.4.5:80", "[example.com]:80"})
    void refuses(String spec) {
        assertThatThrownBy(() -> ListenAddress.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--listen=" + spec + " ")
                .hasMessageEndingWith("; give a port (8080), a numeric IPv4 address and port "
                        + "(127.0.0.1:8080) or an IPv6 one in brackets ([::1]:8080); a port is 0..65535");
    }

    @Test
    void bindsWhatItSays() throws IOException {
        try (ServerSocketChannel channel = ListenAddress.parse("127.0.0.1:0").bind()) {
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            assertThat(local.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(local.getPort()).isPositive();
        }
    }

    @Test
    void aPortInUseIsTheHelpersLine() throws IOException {
        try (ServerSocketChannel taken = ListenAddress.parse("127.0.0.1:0").bind()) {
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:" + port).bind())
                    .isInstanceOf(DaemonException.class)
                    .hasMessage("cannot listen on --listen=127.0.0.1:" + port + ": the port is in use "
                            + "(EADDRINUSE); stop what listens there or choose another --listen");
        }
    }
}
