package io.jdaemon.internal.listen;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the launcher gives the helper the daemon's listening socket: systemd's at the launcher's
 * fd 3 ({@code LISTEN_FDS}: the helper takes it with {@code --listen-launcher-fd 3}, since the
 * JDK closes every descriptor above 2 in its children), systemd's at the launcher's fd 0
 * ({@code StandardInput=socket}: the helper's stdin, {@code --listen-fd 0}), or the helper binds
 * {@code --listen}. systemd's socket wins: the unit says where to listen.
 */
public final class ListenerArgs {

    private static final List<String> LISTEN_VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS",
            "LISTEN_FDNAMES");
    private static final Redirect DEV_NULL = Redirect.from(new File("/dev/null"));

    private final List<String> helperArgs;
    private final Redirect stdin;
    private final boolean systemd;

    private ListenerArgs(List<String> helperArgs, Redirect stdin, boolean systemd) {
        this.helperArgs = helperArgs;
        this.stdin = stdin;
        this.systemd = systemd;
    }

    /**
     * @param listen the {@code --listen} value, or null
     * @throws io.jdaemon.DaemonException if systemd passed more than one socket
     */
    public static ListenerArgs of(String listen, Map<String, String> env, long selfPid) {
        int fd = Listener.systemdSocket(env, selfPid);
        if (fd >= 0) {
            return new ListenerArgs(List.of("--listen-launcher-fd", Integer.toString(fd)), DEV_NULL,
                    true);
        }
        if (stdinListens()) {
            return new ListenerArgs(List.of("--listen-fd", "0"), Redirect.INHERIT, false);
        }
        if (listen != null) {
            return new ListenerArgs(List.of("--listen", listen), DEV_NULL, false);
        }
        return new ListenerArgs(List.of(), DEV_NULL, false);
    }

    /** The helper's options for the socket; empty for none. */
    public List<String> helperArgs() {
        return helperArgs;
    }

    /** The helper's stdin: this JVM's where that is the listening socket, else /dev/null. */
    public Redirect stdin() {
        return stdin;
    }

    /**
     * Removes systemd's {@code LISTEN_} variables from the helper's environment when they were
     * this process's: the daemon gets the socket at fd 0, and neither it nor its children may
     * take the variables for theirs.
     */
    public void environment(Map<String, String> env) {
        if (systemd) {
            env.keySet().removeAll(LISTEN_VARIABLES);
        }
    }

    /**
     * Whether this JVM's fd 0 is a listening socket ({@code StandardInput=socket}).
     * {@code System.inheritedChannel()} is asked only where {@code /proc/self/fd/0} is a socket:
     * its first call loads NIO's classes.
     */
    private static boolean stdinListens() {
        try {
            if (!Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().startsWith("socket:")) {
                return false;
            }
            return System.inheritedChannel() instanceof ServerSocketChannel;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // no /proc (the helper's platforms all have it), or fd 0 closed
        }
    }
}
