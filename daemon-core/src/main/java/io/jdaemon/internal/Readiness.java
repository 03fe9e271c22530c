package io.jdaemon.internal;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The readiness handshake between the launcher and the daemon it started, over an AF_UNIX stream
 * socket in a fresh directory only this user can enter (so nobody else can connect). The daemon
 * connects as soon as its JVM runs, says hello with its PID, receives the settings the launcher
 * resolved, and later reports exactly one outcome: ready, failed (with the reason) or already
 * running. The connection is the daemon's own descriptor, closed when the handshake ends, so the
 * daemon inherits nothing from the launcher; if the daemon dies, the launcher reads end-of-file.
 */
public final class Readiness {

    private static final String DIRECTORY_PREFIX = "jdaemon-";
    private static final String HELLO = "HELLO";
    private static final String READY = "READY";
    private static final String FAILED = "FAILED";
    private static final String RUNNING = "RUNNING";

    /** What the launcher resolved and the daemon needs: absolute paths, the policy. */
    public record Settings(String pidFile, String logFile, String sighup, boolean explicitReady) {
    }

    /** The daemon's report. */
    public record Outcome(Kind kind, String message, long pid) {
        /** The outcomes. */
        public enum Kind { READY, FAILED, RUNNING, DIED }
    }

    private Readiness() {
    }

    /** The launcher's end: a listening socket, removed with its directory on close. */
    public static final class Listener implements Closeable {
        private final Path dir;
        private final Path socket;
        private final ServerSocketChannel server;
        private volatile SocketChannel connection;

        private Listener(Path dir, Path socket, ServerSocketChannel server) {
            this.dir = dir;
            this.socket = socket;
            this.server = server;
        }

        /** Opens a listener in a new private directory under {@code java.io.tmpdir}. */
        public static Listener open() throws IOException {
            Path dir = Files.createTempDirectory(DIRECTORY_PREFIX); // mode 0700 on POSIX
            Path socket = dir.resolve("ready");
            try {
                ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(socket));
                return new Listener(dir, socket, server);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(dir);
                throw e;
            }
        }

        /** The address the daemon connects to (the marker property's value). */
        public String address() {
            return socket.toString();
        }

        /**
         * Waits for the daemon with PID {@code pid} to connect, sends it the settings and returns
         * its outcome. Blocks; {@link #close()} from another thread ends the wait with an
         * exception.
         */
        public Outcome await(long pid, Settings settings) throws IOException {
            SocketChannel ch = server.accept();
            connection = ch;
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            try {
                if (!HELLO.equals(in.readUTF()) || in.readLong() != pid) {
                    throw new IOException("a process other than the daemon connected to " + socket);
                }
                out.writeUTF(settings.pidFile());
                out.writeUTF(settings.logFile());
                out.writeUTF(settings.sighup());
                out.writeBoolean(settings.explicitReady());
                out.flush();
                String kind = in.readUTF();
                switch (kind) {
                    case READY:
                        return new Outcome(Outcome.Kind.READY, "", pid);
                    case RUNNING:
                        return new Outcome(Outcome.Kind.RUNNING, "", in.readLong());
                    case FAILED:
                        String message = in.readUTF();
                        drain(in); // returns when the failed daemon has exited
                        return new Outcome(Outcome.Kind.FAILED, message, pid);
                    default:
                        throw new IOException("unexpected message from the daemon: " + kind);
                }
            } catch (EOFException e) {
                return new Outcome(Outcome.Kind.DIED, "", pid);
            }
        }

        /** Whether the daemon has connected. */
        public boolean connected() {
            return connection != null;
        }

        @Override
        public void close() throws IOException {
            SocketChannel ch = connection;
            if (ch != null) {
                ch.close();
            }
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }

        private static void drain(DataInputStream in) throws IOException {
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                // until the daemon's end closes
            }
        }
    }

    /** The daemon's end. */
    public static final class Reporter {
        private final SocketChannel channel;
        private final Path socket;
        private final DataOutputStream out;
        private boolean done;

        private Reporter(SocketChannel channel, Path socket) {
            this.channel = channel;
            this.socket = socket;
            this.out = new DataOutputStream(Channels.newOutputStream(channel));
        }

        /** Connects to the launcher at {@code address}. */
        public static Reporter connect(String address) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(address));
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return new Reporter(ch, Path.of(address));
        }

        /** Says hello with this daemon's PID and receives the launcher's settings. */
        public Settings hello(long pid) throws IOException {
            out.writeUTF(HELLO);
            out.writeLong(pid);
            out.flush();
            DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            return new Settings(in.readUTF(), in.readUTF(), in.readUTF(), in.readBoolean());
        }

        /** Reports readiness and ends the handshake. */
        public synchronized void ready() {
            finish(READY, null, 0);
        }

        /** Reports a failure with its reason; the connection stays open until this JVM exits. */
        public synchronized void failed(String reason) {
            finish(FAILED, reason, 0);
        }

        /** Reports that another daemon holds the pidfile, and ends the handshake. */
        public synchronized void running(long pid) {
            finish(RUNNING, null, pid);
        }

        /**
         * Removes the launcher's socket and its private directory, which a launcher that was
         * killed could not remove. Harmless otherwise: the connection is established.
         */
        private void removeSocket() {
            try {
                Files.deleteIfExists(socket);
                Path dir = socket.getParent();
                if (dir != null && dir.getFileName().toString().startsWith(DIRECTORY_PREFIX)) {
                    Files.deleteIfExists(dir);
                }
            } catch (IOException ignored) {
                // the launcher removes them too
            }
        }

        /** Whether an outcome was reported. */
        public synchronized boolean done() {
            return done;
        }

        private void finish(String kind, String message, long pid) {
            if (done) {
                return;
            }
            done = true;
            try {
                out.writeUTF(kind);
                if (FAILED.equals(kind)) {
                    out.writeUTF(message.length() > 16000 ? message.substring(0, 16000) : message);
                } else if (RUNNING.equals(kind)) {
                    out.writeLong(pid);
                }
                out.flush();
            } catch (IOException e) {
                // The launcher is gone (killed, or its terminal hung up): carry on without it.
            }
            removeSocket();
            if (!FAILED.equals(kind)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
