package io.jdaemon.internal.listen;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.LibC;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * This process's listening channel, the one {@code Daemon.listeningChannel()} returns: the socket
 * at fd 0 (the helper's, for a daemon; systemd's under {@code StandardInput=socket}), systemd's
 * socket at fd 3 ({@code LISTEN_FDS}) moved to fd 0, or the one {@code --listen} bound in this
 * JVM in the foreground. Fd 0 is where the JDK's {@code System.inheritedChannel()} looks, so
 * frameworks that take the inherited channel (Tomcat, Jetty) find the same socket.
 */
public final class Listener {

    /** systemd's first passed descriptor (sd_listen_fds(3): SD_LISTEN_FDS_START). */
    static final int SD_LISTEN_FDS_START = 3;

    private static final Object LOCK = new Object();
    private static ServerSocketChannel bound;
    private static Optional<ServerSocketChannel> found;

    private Listener() {
    }

    /**
     * Where systemd passed this process one listening socket ({@code LISTEN_PID} is this process,
     * {@code LISTEN_FDS=1}): the descriptor, else -1.
     *
     * @throws DaemonException if it passed more than one (one line naming them)
     */
    public static int systemdSocket(Map<String, String> env, long selfPid) {
        String pid = env.get("LISTEN_PID");
        String fds = env.get("LISTEN_FDS");
        if (pid == null || fds == null || !pid.equals(Long.toString(selfPid))) {
            return -1;
        }
        if (fds.equals("1")) {
            return SD_LISTEN_FDS_START;
        }
        if (fds.equals("0")) {
            return -1;
        }
        String names = env.get("LISTEN_FDNAMES");
        throw new DaemonException("systemd passed " + fds + " sockets (LISTEN_FDS=" + fds
                + (names == null ? "" : ", LISTEN_FDNAMES=" + names) + "); the service takes one "
                + "listening socket: give its socket unit one ListenStream=", ExitStatus.NOT_CONFIGURED);
    }

    /**
     * In a foreground service, before the service runs: systemd's socket at fd 3 moved to fd 0
     * (a native dup2; the JDK takes no other descriptor as a channel) and the LISTEN_ variables
     * removed, so the service's children see neither; else, with {@code listen}, a channel bound
     * here. systemd's socket wins over {@code --listen}: the unit says where to listen.
     *
     * @param listen the {@code --listen} value, or null
     * @return a line for the operator if {@code --listen} was set aside, else null
     * @throws DaemonException with the one-line reason if it cannot listen
     */
    public static String foreground(ListenAddress listen, Map<String, String> env, long selfPid) {
        int systemd = systemdSocket(env, selfPid);
        if (systemd >= 0) {
            try {
                LibC.moveDescriptor(systemd, 0);
            } catch (IOException e) {
                throw new DaemonException("cannot take systemd's socket (LISTEN_FDS, fd " + systemd
                        + "): " + e.getMessage(), ExitStatus.FAILED, e);
            }
            for (String name : new String[] {"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"}) {
                LibC.unsetenv(name);
            }
            return listen == null ? null : "--listen=" + listen.spec() + " is ignored: systemd passed "
                    + "the listening socket (LISTEN_FDS)";
        }
        if (listen != null) {
            ServerSocketChannel channel = listen.bind();
            synchronized (LOCK) {
                bound = channel;
            }
        }
        return null;
    }

    /**
     * The listening channel, the same on every call; empty if there is none (fd 0 is not a
     * listening socket and nothing was bound).
     */
    public static Optional<ServerSocketChannel> channel() {
        synchronized (LOCK) {
            if (bound != null) {
                return Optional.of(bound);
            }
            if (found == null) {
                found = inherited();
            }
            return found;
        }
    }

    /**
     * Whether fd 0 is a socket (or there is no /proc to tell), where a listening socket jdaemon
     * or systemd passed is; cheap, unlike asking the JDK ({@link #channel}).
     */
    public static boolean atFdZero() {
        try {
            return !Files.isDirectory(Path.of("/proc/self/fd"))
                    || Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().startsWith("socket:");
        } catch (IOException | UnsupportedOperationException e) {
            return false; // fd 0 is closed
        }
    }

    /**
     * {@code System.inheritedChannel()} if it is a listening socket. Asked only where fd 0 is a
     * socket, or where there is no /proc to tell: the JDK's first call costs tens of
     * milliseconds of class loading.
     */
    private static Optional<ServerSocketChannel> inherited() {
        if (!atFdZero()) {
            return Optional.empty();
        }
        try {
            Channel channel = System.inheritedChannel();
            return channel instanceof ServerSocketChannel
                    ? Optional.of((ServerSocketChannel) channel) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
