package io.jdaemon.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.os.LibC;
import io.jdaemon.internal.os.LibC.TcpConnection;
import io.jdaemon.internal.os.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Which accepted connections a stopping daemon waits for before its shutdown hooks run. */
class StopAcceptingTest {

    private static final int PORT = 8080;

    @Test
    void aRequestNotYetAnsweredIsWaitedFor() {
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 0, 78, 5_000), PORT)).isTrue();
    }

    @Test
    void aNewConnectionWithoutARequestYetIsWaitedFor() {
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 0, 0, 3), PORT)).isTrue();
    }

    @Test
    void aConnectionThatSentNothingForASecondIsNot() {
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 0, 0,
                StopAccepting.NEW_CONNECTION_MS), PORT)).isFalse();
    }

    @Test
    void aConnectionAnsweredOnceIsNot() {
        // a kept-alive connection between requests, or one being answered now
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 120, 78, 0), PORT)).isFalse();
    }

    @Test
    void aConnectionOnAnotherPortIsNot() {
        // the service's own connections out (to a database), or another listener's
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(5432, 0, 78, 0), PORT)).isFalse();
    }

    /**
     * A connection the kernel hands to an accept under way as the channel closes is returned
     * after the close: once {@code awaitAcceptsReturned} returns it must be a descriptor of this
     * process, or the wait for answers misses it and the service's stop resets it. A client fills
     * the queue as fast as it can while a thread accepts; then the channel closes, 100 times.
     */
    @Test
    void everyConnectionAcceptedAsTheChannelClosesIsOursWhenTheWaitForAcceptsEnds() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int round = 0; round < 100; round++) {
            List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
            List<Socket> clients = new CopyOnWriteArrayList<>();
            try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                channel.bind(new InetSocketAddress(loopback, 0), 1000);
                int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            accepted.add(channel.accept());
                        }
                    } catch (IOException closed) {
                        // the channel closed: done
                    }
                });
                Thread client = new Thread(() -> {
                    try {
                        while (true) {
                            clients.add(new Socket(loopback, port));
                        }
                    } catch (IOException refused) {
                        // nothing listens any more: done
                    }
                });
                acceptor.start();
                client.start();
                long giveUp = System.nanoTime() + 30_000_000_000L;
                while (accepted.size() < 20 && System.nanoTime() - giveUp < 0) {
                    Thread.sleep(1);
                }
                assertThat(accepted).as("round %d: accepted before the close", round)
                        .hasSizeGreaterThanOrEqualTo(20);

                channel.close();
                StopAccepting.awaitAcceptsReturned(channel);
                int ours = connectionsOn(port);

                acceptor.join(10_000);
                client.join(10_000);
                assertThat(acceptor.isAlive() || client.isAlive()).isFalse();
                assertThat(ours).as("round %d: accepted connections that were descriptors when the wait ended",
                        round).isEqualTo(accepted.size());
            } finally {
                for (SocketChannel c : accepted) {
                    c.close();
                }
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
    }

    /** This process's TCP connections whose local port is {@code port} (the accepted ends). */
    private static int connectionsOn(int port) {
        int n = 0;
        for (int fd : Processes.ownSockets().keySet()) {
            TcpConnection c = LibC.tcpConnection(fd);
            if (c != null && c.localPort() == port) {
                n++;
            }
        }
        return n;
    }
}
