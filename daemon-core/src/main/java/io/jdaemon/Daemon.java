package io.jdaemon;

import io.jdaemon.internal.Dispatch;
import io.jdaemon.internal.control.Stop;
import io.jdaemon.internal.daemon.ServiceSide;
import io.jdaemon.internal.launch.DaemonState;
import io.jdaemon.internal.listen.Listener;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The front door: a real Unix daemon mode for a JVM service, switched on by one flag.
 *
 * <pre>{@code
 * public static void main(String[] args) throws Exception {
 *     args = Daemon.detachIfRequested(args);
 *     // ... the service, unchanged
 * }
 * }</pre>
 *
 * <p>Without {@code --daemon} the call removes the library's flags from {@code args} and puts the
 * SIGHUP policy in force; a {@code --pidfile} is written, locked and removed on exit as for a
 * daemon (so {@code --daemon=status|stop} work on a foreground service), and a {@code --log} is
 * ignored, with one line on stderr that says so. With
 * {@code --daemon} the launching JVM runs a small native helper that forks, calls setsid, forks
 * again and executes this same JVM command line again; the launching JVM then waits until the
 * daemon is ready, prints {@code NAME started, pid N} and exits 0 (non-zero, with the reason on
 * stderr, if the daemon failed). In the re-executed JVM the call finishes the setup (pidfile,
 * readiness) and returns the service's arguments, so {@code main} goes on as the daemon.
 *
 * <p>Where detaching would be wrong, {@code --daemon} stays in the foreground and says why in one
 * line: under systemd's {@code Type=notify} ({@code NOTIFY_SOCKET} set; the service then sends
 * sd_notify messages, also without {@code --daemon}) and as PID 1 of a PID namespace (a
 * container's init).
 *
 * <p>Operators control a running daemon with the same command line and an action:
 * {@code --daemon=stop|restart|status|reload}, from the pidfile. These run in the launching JVM,
 * print one line and exit with an LSB code; the service's {@code main} never runs for them.
 *
 * <p>Flags: {@code --daemon[=start|stop|restart|status|reload]}, {@code --pidfile=PATH},
 * {@code --log=PATH}, {@code --workdir=DIR}, {@code --umask=OCTAL},
 * {@code --sighup=default|ignore|reload}, {@code --start-timeout=SECONDS},
 * {@code --stop-timeout=SECONDS}, {@code --user=USER[:GROUP]},
 * {@code --keep-caps=NAME[,NAME...]}, {@code --listen=[ADDR:]PORT}, and {@code --force} with stop and restart; each valued flag
 * also as {@code --name value}. See {@link DaemonOptions} for their defaults.
 */
public final class Daemon {

    private Daemon() {
    }

    /**
     * Detaches this service into a daemon if its arguments ask for it, with the defaults of
     * {@link DaemonOptions#defaults()}.
     *
     * @param args the arguments {@code main} received
     * @return {@code args} without the library's flags, in their order
     */
    public static String[] detachIfRequested(String[] args) {
        return detachIfRequested(args, DaemonOptions.defaults());
    }

    /**
     * Detaches this service into a daemon if its arguments ask for it. Flags override
     * {@code defaults}.
     *
     * <p>Does not return in the launching JVM of {@code --daemon}: that JVM exits with 0 once the
     * daemon is ready (or already running), and non-zero with a one-line reason on stderr if it
     * is not. A malformed flag also ends the JVM, with status 2 and a one-line message.
     *
     * @param args the arguments {@code main} received
     * @param defaults the service's own defaults for the library's settings
     * @return {@code args} without the library's flags, in their order
     */
    public static String[] detachIfRequested(String[] args, DaemonOptions defaults) {
        return Dispatch.detachIfRequested(args, defaults);
    }

    /**
     * Tells the launcher that the service is ready (serving), when the service was configured
     * with {@link DaemonOptions.Builder#explicitReady(boolean) explicitReady(true)}. The launcher
     * exits 0 only then. Harmless, and does nothing, in a foreground run or when called again.
     */
    public static void ready() {
        ServiceSide.ready();
    }

    /**
     * Ends a service that cannot start, for frameworks where a failed start does not end
     * {@code main} (Vert.x keeps its threads, and so the JVM, running after a failed
     * {@code listen}): prints {@code cause}'s stack trace to stderr (the log, in a daemon), and
     * the JVM exits with status 1, its shutdown hooks run (the pidfile goes). Under
     * {@code --daemon} the launcher exits 1 at once, its first line the root cause
     * ({@code NAME: failed to start: ...}), instead of waiting the whole {@code --start-timeout}.
     * After readiness it still ends the service with status 1.
     *
     * <p>Returns at once: the exit runs on a thread of its own, so that a framework's thread may
     * call this while the framework's shutdown hook waits for that thread.
     *
     * @param cause why the service cannot start
     */
    public static void failed(Throwable cause) {
        ServiceSide.failed(java.util.Objects.requireNonNull(cause, "cause"));
    }

    /**
     * Asks for more time to start, for a service that takes long to be ready (loading an index,
     * migrating a database) and knows it is making progress: whoever waits for readiness waits at
     * least {@code time} more from now. Under {@code --daemon} the launcher moves its deadline
     * (which starts as {@code --start-timeout}); under systemd's {@code Type=notify} this sends
     * {@code EXTEND_TIMEOUT_USEC=} (systemd 236+), which extends {@code TimeoutStartSec=}. Call it
     * again before that time runs out to extend again. Only before readiness, so with
     * {@link DaemonOptions.Builder#explicitReady(boolean) explicitReady(true)}; does nothing once
     * ready, in a foreground run, or when nobody waits.
     *
     * @param time more than zero; its microseconds are what systemd receives
     */
    public static void extendStartTimeout(Duration time) {
        if (time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("time must be positive, got " + time);
        }
        Duration capped = time.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365) : time;
        ServiceSide.extendStartTimeout(Math.max(1, capped.toNanos() / 1000));
    }

    /**
     * Sends a one-line status to systemd ({@code STATUS=...}, shown by {@code systemctl status})
     * when the service runs under {@code Type=notify}; does nothing otherwise.
     *
     * @param text the status line
     */
    public static void setSystemdStatus(String text) {
        ServiceSide.systemdStatus(java.util.Objects.requireNonNull(text, "text"));
    }

    /**
     * Registers a callback run when the daemon reloads: on SIGHUP under {@code --sighup=reload},
     * after the log file was reopened. Callbacks run in registration order on a signal-handling
     * thread; one that throws is logged and does not stop the daemon or the other callbacks.
     *
     * @param callback what to run on each reload
     */
    public static void onReload(Runnable callback) {
        // Named in full, not imported: javadoc then never reads Signals' source, whose use of
        // sun.misc.Signal is a warning it cannot turn off (and the javadoc jar fails on warnings).
        io.jdaemon.internal.daemon.Signals.onReload(java.util.Objects.requireNonNull(callback, "callback"));
    }

    /**
     * The listening socket jdaemon opened or was given for this service, to serve on instead of
     * binding one: with {@code --listen=[ADDR:]PORT} ({@link DaemonOptions.Builder#listen}) the
     * one the helper bound before the daemon's JVM started (so a root launcher with
     * {@code --user} gives port 80 to a JVM without any capability), or, in the foreground, the
     * one this JVM bound; under systemd socket activation the socket systemd passed
     * ({@code LISTEN_FDS=1}, or {@code StandardInput=socket}). In a daemon and under socket
     * activation it is this process's fd 0, which is what {@link System#inheritedChannel()} returns
     * and frameworks' inherit options take (Tomcat's {@code useInheritedChannel}, Jetty's
     * {@code ServerConnector.setInheritChannel}); in the foreground with {@code --listen} it is a
     * channel of its own. The same channel on every call, in blocking mode as the JDK gives it.
     *
     * <p>On SIGTERM, before the shutdown hooks run, jdaemon stops accepting on it for the
     * service: it closes the channel (which wakes a thread blocked in {@code accept} without
     * taking a connection from the queue; connections not yet accepted stay there for a process
     * that also holds the socket, a restart's new daemon or systemd), puts stdout and stderr back
     * where they were (closing an inherited channel makes the JDK point fds 0, 1 <em>and 2</em>
     * at {@code /dev/null}), and waits, up to 5 seconds, until every connection the service
     * accepted was answered at least once. The framework's graceful stop then finishes the rest.
     *
     * @return the listening channel, or empty if there is none (no {@code --listen}, no socket
     *     passed), where the service binds its own
     */
    public static Optional<ServerSocketChannel> listeningChannel() {
        return Listener.channel();
    }

    /**
     * The state of the daemon behind a pidfile, as {@code --daemon=status} reports it. Never
     * signals anything; a stale pidfile is {@link DaemonStatus.State#DEAD}.
     *
     * @param pidFile the pidfile
     * @return the state, the PID and, for {@code UNKNOWN}, why
     */
    public static DaemonStatus status(Path pidFile) {
        return of(DaemonState.of(pidFile.toAbsolutePath()));
    }

    /**
     * Stops the daemon behind a pidfile: SIGTERM to the process that holds the pidfile's lock,
     * then waits until it has exited. A stale pidfile is removed. The result is what the pidfile
     * showed (as {@link #status} reports it) and what was done about it:
     * <ul>
     *   <li>{@link DaemonStatus.State#RUNNING RUNNING} with the PID that was stopped (it has
     *       exited now);
     *   <li>{@link DaemonStatus.State#DEAD DEAD} with the PID the stale pidfile named: nothing
     *       was running, and the stale file was removed;
     *   <li>{@link DaemonStatus.State#NOT_RUNNING NOT_RUNNING}: there was no pidfile.
     * </ul>
     * Never {@link DaemonStatus.State#UNKNOWN UNKNOWN}: that is thrown.
     *
     * @param pidFile the pidfile
     * @param timeout how long to wait for the daemon to exit after SIGTERM
     * @return the state found before stopping, with its PID
     * @throws DaemonException if it is still running after {@code timeout}, or the pidfile is
     *     unreadable or its holder not provably the daemon
     */
    public static DaemonStatus stop(Path pidFile, Duration timeout) {
        return of(Stop.stop(pidFile.toAbsolutePath(), timeout, false));
    }

    private static DaemonStatus of(DaemonState status) {
        return new DaemonStatus(status.state(), status.pidOrZero(), status.detail());
    }
}
