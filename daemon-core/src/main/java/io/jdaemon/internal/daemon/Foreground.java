package io.jdaemon.internal.daemon;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.jvm.ProgramName;
import io.jdaemon.internal.listen.ListenAddress;
import io.jdaemon.internal.listen.Listener;
import io.jdaemon.internal.os.LibC;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.pidfile.PidFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A service that stays in the foreground: without {@code --daemon}, or with it where detaching
 * would be wrong (systemd's {@code Type=notify}; PID 1 of a container). Its pidfile, log and
 * SIGHUP policy are set up here; under {@code Type=notify} readiness goes to systemd through
 * {@link ServiceSide}.
 */
public final class Foreground {

    private Foreground() {
    }

    /**
     * Why {@code --daemon} must not detach here, or null if it should: under systemd's
     * {@code Type=notify} (systemd supervises the process it started, and a fork would confuse
     * it), or as PID 1 of a PID namespace (the kernel ends the namespace when its init exits).
     * A parent that is PID 1 is no reason: that is how systemd's {@code Type=forking} runs us.
     */
    public static String reasonToStayInForeground(SdNotify notify) {
        if (notify != null) {
            return "NOTIFY_SOCKET is set (systemd Type=notify): staying in the foreground, "
                    + "systemd supervises this process";
        }
        if (Processes.selfPid() == 1) {
            return "running as PID 1 of its PID namespace (a container's init): staying in the "
                    + "foreground, since the namespace ends when its init exits";
        }
        return null;
    }

    /**
     * Sets up a service that {@code --daemon} keeps in the foreground under a supervisor: the
     * SIGHUP policy, readiness and stop notifications to systemd (if {@code notify}), the pidfile
     * (if given) and stdout and stderr to the log (if one other than {@code /dev/null} is given;
     * otherwise they stay with the supervisor, e.g. the journal). The working directory and umask
     * are the supervisor's to set. Exits with 0 if another instance holds the pidfile.
     */
    public static void supervised(DaemonOptions options, SdNotify notify, String name) {
        String log = !options.logFile().toString().equals("/dev/null")
                ? options.logFile().toString() : null;
        if (log != null) {
            try {
                LibC.redirectStdoutAndStderr(log);
            } catch (IOException e) {
                throw new DaemonException(e.getMessage() + "; choose another --log",
                        ExitStatus.NOT_CONFIGURED, e);
            }
        }
        Signals.install(options.sighup(), log, notify); // before the pidfile names this process
        PidFile pidFile = options.pidFile() == null ? null : acquireOrExit(options.pidFile(), name);
        listen(options, pidFile, name);
        if (Listener.atFdZero() || options.listen() != null) {
            Signals.beforeShutdownOnTerm(new StopAccepting());
        }
        ServiceSide.supervise(notify, pidFile, options.explicitReady());
    }

    /**
     * Refuses {@code --user} where this JVM stays in the foreground: only the helper, before the
     * JVM starts, can switch users safely (a JVM has threads, and setuid(2) is per thread).
     *
     * @throws DaemonException with {@link ExitStatus#UNSUPPORTED}, pointing to the supervisor's
     *     own way to run as a user
     */
    public static void refuseUserSwitch(DaemonOptions options, SdNotify notify) {
        String user = options.user();
        if (user == null) {
            return;
        }
        String why;
        if (notify != null) {
            why = "under systemd's Type=notify (NOTIFY_SOCKET is set) the service stays in the "
                    + "foreground; remove --user and --keep-caps and set User=" + user
                    + " (and AmbientCapabilities=CAP_NET_BIND_SERVICE...) in the unit";
        } else if (Processes.selfPid() == 1) {
            why = "as PID 1 of a container the service stays in the foreground; run the container "
                    + "as that user instead (docker run --user UID:GID, --cap-add for capabilities)";
        } else {
            why = "without --daemon the service runs in the foreground as this user; add --daemon, "
                    + "or start it as that user (runuser, setpriv)";
        }
        throw new DaemonException("--user=" + user + " cannot be honoured: " + why,
                ExitStatus.UNSUPPORTED);
    }

    /**
     * Sets up a service run in the foreground (no {@code --daemon}): the SIGHUP policy, sd_notify
     * if {@code notify}, and the pidfile if {@code withPidFile} (given as {@code --pidfile}):
     * written, locked and removed on exit as a daemon's is, so that {@code --daemon=status} and
     * {@code stop}, and supervisors, work on a foreground service too. Exits with 0 if another
     * instance holds the pidfile.
     */
    public static void start(DaemonOptions options, boolean withPidFile, SdNotify notify,
            String name) {
        Signals.install(options.sighup(), null, notify); // before the pidfile names this process
        PidFile pidFile = withPidFile && options.pidFile() != null
                ? acquireOrExit(options.pidFile(), name) : null;
        listen(options, pidFile, name);
        if (Listener.atFdZero() || options.listen() != null) {
            Signals.beforeShutdownOnTerm(new StopAccepting());
        }
        if (notify != null) {
            ServiceSide.supervise(notify, pidFile, options.explicitReady());
        } else if (pidFile != null) {
            pidFile.path().toFile().deleteOnExit();
        }
    }

    /**
     * The foreground's listening socket: systemd's, moved to fd 0, or {@code --listen} bound here
     * ({@link Listener#foreground}). After the pidfile (a second instance says "already running",
     * not "port in use"); a failure releases the pidfile again, so nothing is left.
     */
    private static void listen(DaemonOptions options, PidFile pidFile, String name) {
        try {
            String notice = Listener.foreground(options.listen() == null ? null
                    : ListenAddress.parse(options.listen()), System.getenv(), Processes.selfPid());
            if (notice != null) {
                Report.notice(notice).print(ProgramName.named(name));
            }
        } catch (DaemonException e) {
            if (pidFile != null) {
                pidFile.release();
            }
            throw e;
        }
    }

    /** The pidfile of a service in the foreground; exits with 0 if another instance holds it. */
    private static PidFile acquireOrExit(Path path, String name) {
        try {
            return PidFile.acquire(path, Processes.selfPid());
        } catch (PidFile.HeldException e) {
            System.exit(Report.said("already running, pid " + e.pid(), ExitStatus.OK)
                    .print(ProgramName.named(name)));
            throw new AssertionError("unreachable");
        }
    }
}
