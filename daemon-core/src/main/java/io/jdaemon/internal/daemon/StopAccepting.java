package io.jdaemon.internal.daemon;

import io.jdaemon.internal.listen.Listener;
import io.jdaemon.internal.os.LibC;
import io.jdaemon.internal.os.Processes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * What a service serving on the listening socket jdaemon gave it ({@code --listen}, socket
 * activation) does on SIGTERM, before the JVM's shutdown hooks (and the framework's graceful stop
 * among them) run: it stops accepting, and waits until every connection it had accepted was
 * answered at least once. A restart that handed the socket over thus never loses a connection
 * to the stop of the daemon it replaces: the framework's stop finds no accepted connection whose
 * first request is unanswered, and connections not yet accepted stay in the socket's queue for
 * the new daemon (under socket activation, for systemd).
 *
 * <p>Stopping accepting closes the channel: the JDK then wakes a thread blocked in
 * {@code accept} (a thread interrupt, which is what frameworks use to stop, can lose the
 * connection it just took). An accept the kernel was already handing a connection returns it all
 * the same, after the close: the wait for answers begins only once every accept under way has
 * returned, so it sees that connection too. Closing an inherited channel also
 * points fds 0, 1 and 2 at {@code /dev/null} ({@code InheritedChannel}); stdout and stderr are
 * put back right after, so the daemon's shutdown still reaches its log (lines that other
 * threads write in those microseconds are lost).
 *
 * <p>The wait reads each connection's counters from the kernel ({@code TCP_INFO}): a connection
 * on the listening port that never sent a byte back is unanswered while it has sent a request,
 * or while it is younger than {@link #NEW_CONNECTION_MS} (its request may be on the way). It
 * ends when none is left, or after {@link #DRAIN_LIMIT_MS}: a request that takes longer is the
 * framework's graceful stop's to finish.
 */
public final class StopAccepting implements Runnable {

    /** The longest wait for accepted connections to be answered. */
    static final long DRAIN_LIMIT_MS = 5_000;
    /** A connection that has sent nothing for this long is not waited for. */
    static final long NEW_CONNECTION_MS = 1_000;
    private static final long POLL_MS = 5;

    @Override
    public void run() {
        ServerSocketChannel channel = Listener.channel().orElse(null);
        if (channel == null || !channel.isOpen()) {
            return;
        }
        int port = portOf(channel);
        int out;
        int err;
        try {
            out = LibC.duplicate(1);
            err = LibC.duplicate(2);
        } catch (IOException | RuntimeException | LinkageError e) {
            // Without native access, stop accepting all the same: a lost line beats a lost request.
            LibraryLog.warn(StopAccepting.class, "stopping accepting; the shutdown's output will not "
                    + "reach the log (" + e + ")");
            closeQuietly(channel);
            return;
        }
        try {
            closeQuietly(channel);
        } finally {
            try {
                LibC.moveDescriptor(out, 1);
                LibC.moveDescriptor(err, 2);
            } catch (IOException e) {
                LibraryLog.warn(StopAccepting.class, "the shutdown's output will not reach the log: " + e);
            }
        }
        awaitAcceptsReturned(channel);
        if (port > 0) {
            awaitAnswered(port);
        }
    }

    /**
     * Waits until no thread is inside {@code accept} on {@code channel}, which was just closed.
     * Every accept of a channel holds one lock, to the end of its system call; an accept on the
     * closed channel takes it too before it fails, so it fails only after the accepts under way
     * returned, and a connection one of them took is by then a descriptor of this process.
     * Bounded, on a thread of its own: an accept that never returns does not hold the stop.
     */
    static void awaitAcceptsReturned(ServerSocketChannel channel) {
        Thread after = new Thread(new AcceptOnClosed(channel), "jdaemon-accepts-returned");
        after.setDaemon(true);
        after.start();
        try {
            after.join(DRAIN_LIMIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An accept on the closed channel: it fails once it holds the accept lock (no lambda). */
    private static final class AcceptOnClosed implements Runnable {
        private final ServerSocketChannel channel;

        AcceptOnClosed(ServerSocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void run() {
            try {
                SocketChannel none = channel.accept(); // a closed channel accepts nothing: it throws
                if (none != null) {
                    none.close();
                }
            } catch (IOException expected) {
                // ClosedChannelException, once no other accept holds the lock
            }
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed all the same: the JDK releases the descriptor whatever close() threw
        }
    }

    private static int portOf(ServerSocketChannel channel) {
        try {
            SocketAddress local = channel.getLocalAddress();
            return local instanceof InetSocketAddress ? ((InetSocketAddress) local).getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits, bounded, until no connection accepted on {@code port} is unanswered. */
    private static void awaitAnswered(int port) {
        long deadline = System.nanoTime() + DRAIN_LIMIT_MS * 1_000_000L;
        int left;
        while ((left = unanswered(port)) > 0) {
            if (System.nanoTime() - deadline > 0) {
                LibraryLog.warn(StopAccepting.class, left + " accepted connection(s) still unanswered after "
                        + DRAIN_LIMIT_MS + " ms; the service's own stop takes them over");
                return;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many of this process's connections on {@code port} wait for a first answer. */
    private static int unanswered(int port) {
        int count = 0;
        for (int fd : Processes.ownSockets().keySet()) {
            LibC.TcpConnection c = LibC.tcpConnection(fd);
            if (c != null && waitsForAnswer(c, port)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Whether a connection accepted on {@code port} waits for its first answer: nothing was sent
     * back, and it sent a request or is still new.
     */
    static boolean waitsForAnswer(LibC.TcpConnection c, int port) {
        return c.localPort() == port && c.bytesAcked() == 0
                && (c.bytesReceived() > 0 || c.msSinceDataReceived() < NEW_CONNECTION_MS);
    }
}
