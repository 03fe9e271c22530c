package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The control commands {@code --daemon=stop|restart|status|reload}, run in the launching JVM from
 * the pidfile: each acts, prints one line and returns an LSB exit code. The daemon is identified
 * by the pidfile's lock (and, on Linux, by the lock's holder in {@code /proc/locks}), never by
 * {@code kill -0} on whatever PID the file names, so a stale file or a reused PID is never
 * signalled.
 */
public final class Control {

    private final DaemonOptions defaults;
    private final DaemonOptions options;
    private final String name;

    /**
     * @param defaults the service's programmatic defaults, to read a running daemon's policy
     * @param options the effective options of this command
     * @param name the name used in messages
     */
    public Control(DaemonOptions defaults, DaemonOptions options, String name) {
        this.defaults = defaults;
        this.options = options;
        this.name = name;
    }

    /** Runs a control action and returns its exit code. */
    public int run(Flags.Action action, boolean force) {
        Path pidFile = options.pidFile();
        if (pidFile == null) {
            throw new DaemonException("--daemon=" + action.name().toLowerCase(Locale.ROOT)
                    + " needs the pidfile: add --pidfile=PATH", ExitStatus.USAGE);
        }
        switch (action) {
            case STATUS:
                return printStatus(status(pidFile));
            case STOP:
                return stopAndPrint(pidFile, force);
            case RESTART:
                DaemonOptions again = keepUser(pidFile);
                int stopped = stopAndPrint(pidFile, force);
                return stopped != ExitStatus.OK ? stopped : new Launcher(again, name).start();
            case RELOAD:
                return reload(pidFile);
            default:
                throw new IllegalArgumentException(action.toString());
        }
    }

    /** The state of the daemon behind a pidfile. */
    public static DaemonStatus status(Path pidFile) {
        PidFile.State state;
        try {
            state = PidFile.inspect(pidFile);
        } catch (DaemonException e) {
            return new DaemonStatus(DaemonStatus.State.UNKNOWN, 0, e.getMessage());
        }
        if (!state.exists()) {
            return new DaemonStatus(DaemonStatus.State.NOT_RUNNING, 0, null);
        }
        if (state.locked()) {
            long pid = state.holder().orElse(0);
            return pid > 0 ? new DaemonStatus(DaemonStatus.State.RUNNING, pid, null)
                    : new DaemonStatus(DaemonStatus.State.UNKNOWN, 0, "pidfile " + pidFile
                            + " is locked but names no PID");
        }
        return new DaemonStatus(DaemonStatus.State.DEAD, state.pid().orElse(0), null);
    }

    /**
     * Stops the daemon behind a pidfile: SIGTERM, then waits until the process is gone, up to
     * {@code timeout}; past it, SIGKILL if {@code force}, else a failure. Removes a stale pidfile.
     *
     * @return the PID that was stopped, or empty if none was running
     * @throws DaemonException if the daemon is still running after the timeout
     */
    public static OptionalLong stop(Path pidFile, Duration timeout, boolean force) {
        DaemonStatus status = status(pidFile);
        switch (status.state()) {
            case UNKNOWN:
                throw new DaemonException(status.detail(), ExitStatus.FAILED);
            case NOT_RUNNING:
                return OptionalLong.empty();
            case DEAD:
                try {
                    PidFile.removeStale(pidFile);
                } catch (PidFile.HeldException e) {
                    return stop(pidFile, timeout, force); // started meanwhile
                }
                return OptionalLong.empty();
            default:
                break;
        }
        long pid = status.pid().getAsLong();
        signal(pid, false);
        if (!ProcStat.awaitExit(pid, timeout)) {
            if (!force) {
                throw new DaemonException("pid " + pid + " did not stop within "
                        + timeout.toSeconds() + " s after SIGTERM and is still running; wait "
                        + "longer with --stop-timeout=SECONDS or kill it with --force",
                        ExitStatus.FAILED);
            }
            signal(pid, true);
            if (!ProcStat.awaitExit(pid, Duration.ofSeconds(10))) {
                throw new DaemonException("pid " + pid + " survived SIGKILL for 10 s",
                        ExitStatus.FAILED);
            }
        }
        try {
            PidFile.removeStale(pidFile); // left behind when the daemon could not remove it
        } catch (PidFile.HeldException e) {
            // a new daemon started meanwhile: its file stays
        }
        return OptionalLong.of(pid);
    }

    /**
     * SIGTERM, or SIGKILL if {@code kill}: through ProcessHandle (no native library), or kill(2)
     * where ProcessHandle cannot see the process (no /proc).
     *
     * @throws DaemonException at once if this user may not signal it
     */
    private static void signal(long pid, boolean kill) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        boolean denied;
        if (handle.isPresent()) {
            boolean sent = kill ? handle.get().destroyForcibly() : handle.get().destroy();
            denied = !sent && handle.get().isAlive();
        } else {
            denied = LibC.kill(pid, kill ? LibC.SIGKILL : LibC.SIGTERM) == LibC.EPERM;
        }
        if (denied) {
            throw noPermission(pid);
        }
    }

    private static DaemonException noPermission(long pid) {
        return new DaemonException("no permission to signal pid " + pid + " (it runs as another "
                + "user); run this as that user or as root", ExitStatus.NO_PERMISSION);
    }

    private int printStatus(DaemonStatus status) {
        switch (status.state()) {
            case RUNNING:
                System.out.println(name + " is running, pid " + status.pid().getAsLong());
                break;
            case DEAD:
                System.out.println(name + " is not running, but pidfile " + options.pidFile()
                        + " remains" + (status.pid().isPresent()
                                ? " (pid " + status.pid().getAsLong() + ")" : ""));
                break;
            case NOT_RUNNING:
                System.out.println(name + " is not running");
                break;
            default:
                System.out.println(name + ": status unknown: " + status.detail());
                break;
        }
        return status.state().exitCode();
    }

    private int stopAndPrint(Path pidFile, boolean force) {
        boolean stale = status(pidFile).state() == DaemonStatus.State.DEAD;
        OptionalLong stopped;
        try {
            stopped = stop(pidFile, options.stopTimeout(), force);
        } catch (DaemonException e) {
            throw new DaemonException("cannot stop: " + e.getMessage(), e.exitCode(), e);
        }
        if (stopped.isPresent()) {
            System.out.println(name + " stopped, pid " + stopped.getAsLong());
        } else if (stale) {
            System.out.println(name + " is not running; removed stale pidfile " + pidFile);
        } else {
            System.out.println(name + " is not running");
        }
        return ExitStatus.OK;
    }

    private int reload(Path pidFile) {
        DaemonStatus status = status(pidFile);
        if (status.state() != DaemonStatus.State.RUNNING) {
            System.out.println(name + " is not running; nothing to reload");
            return ExitStatus.NOT_RUNNING;
        }
        long pid = status.pid().getAsLong();
        if (LibC.kill(pid, 0) == LibC.EPERM) {
            throw noPermission(pid);
        }
        DaemonOptions.Sighup policy = policyOf(pid);
        if (policy != DaemonOptions.Sighup.RELOAD) {
            throw new DaemonException("pid " + pid + " runs with --sighup="
                    + policy.name().toLowerCase(Locale.ROOT) + ", so SIGHUP would "
                    + (policy == DaemonOptions.Sighup.DEFAULT ? "stop it" : "be ignored")
                    + "; not sent. Start it with --sighup=reload to reload it", ExitStatus.UNSUPPORTED);
        }
        if (LibC.kill(pid, LibC.SIGHUP) == LibC.EPERM) {
            throw noPermission(pid);
        }
        System.out.println(name + " reloading, pid " + pid);
        return ExitStatus.OK;
    }

    /**
     * The options to start again with: this command's, and when it names no user, the running
     * daemon's {@code --user} and {@code --keep-caps}, so that a restart never brings a daemon
     * that ran as a user back as root.
     */
    private DaemonOptions keepUser(Path pidFile) {
        DaemonStatus status = status(pidFile);
        if (options.user() != null || status.state() != DaemonStatus.State.RUNNING) {
            return options;
        }
        DaemonOptions running;
        try {
            String[] args = JvmCommandLine.of(status.pid().getAsLong()).serviceArgs()
                    .toArray(new String[0]);
            running = Flags.parse(args, defaults).options();
        } catch (DaemonException e) {
            return options; // its command line is not visible here: this command's flags alone
        }
        return running.user() == null ? options
                : options.toBuilder().user(running.user()).keepCaps(running.keepCaps()).build();
    }

    /** The SIGHUP policy of a running daemon: its own flags over this service's defaults. */
    private DaemonOptions.Sighup policyOf(long pid) {
        JvmCommandLine daemon = JvmCommandLine.of(pid);
        String[] args = daemon.serviceArgs().toArray(new String[0]);
        return Flags.parse(args, defaults).options().sighup();
    }
}
