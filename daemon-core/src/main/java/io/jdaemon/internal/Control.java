package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The control commands {@code --daemon=stop|restart|status|reload}, run in the launching JVM from
 * the pidfile: each acts, prints one line and returns an LSB exit code. The daemon is identified
 * by the pidfile's lock and its holder, as the kernel names it ({@code fcntl(F_GETLK)}, asked by
 * the helper: see {@link HelperProcess}), never by {@code kill -0} on whatever PID the file names,
 * so a stale file or a reused PID is never signalled.
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

    /**
     * Runs a control action.
     *
     * @return what to tell the operator, and the exit status
     * @throws DaemonException for a failure the operator can fix (one line)
     */
    public Report run(Flags.Action action, boolean force) {
        Path pidFile = options.pidFile();
        if (pidFile == null) {
            throw new DaemonException("--daemon=" + action.name().toLowerCase(Locale.ROOT)
                    + " needs the pidfile: add --pidfile=PATH", ExitStatus.USAGE);
        }
        switch (action) {
            case STATUS:
                return statusReport(status(pidFile));
            case STOP:
                return stopReport(pidFile, force);
            case RESTART:
                DaemonOptions again = keepUser(pidFile);
                Report stopped = stopReport(pidFile, force);
                try {
                    return stopped.then(new Launcher(again, name).start());
                } catch (DaemonException e) {
                    return stopped.then(Report.of(e));
                }
            case RELOAD:
                return reload(pidFile);
            default:
                throw new IllegalArgumentException(action.toString());
        }
    }

    /**
     * What a pidfile says of its daemon; {@code Daemon.status} and {@code Daemon.stop} give it
     * out as a DaemonStatus.
     */
    public static final class Status {
        private final DaemonStatus.State state;
        private final long pid;
        private final String detail;

        Status(DaemonStatus.State state, long pid, String detail) {
            this.state = state;
            this.pid = pid;
            this.detail = detail == null ? "" : detail;
        }

        /** The state, with its LSB code. */
        public DaemonStatus.State state() {
            return state;
        }

        /** The running daemon's PID, or the one a stale pidfile names; 0 if none. */
        public long pidOrZero() {
            return pid;
        }

        OptionalLong pid() {
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        }

        /** Why the state is UNKNOWN; empty otherwise. */
        public String detail() {
            return detail;
        }
    }

    /** The state of the daemon behind a pidfile. */
    public static Status status(Path pidFile) {
        String replaceable = PidFile.replaceableDirectory(pidFile);
        if (replaceable != null) {
            return new Status(DaemonStatus.State.UNKNOWN, 0, replaceable);
        }
        PidFile.State state;
        try {
            state = PidFile.inspect(pidFile);
        } catch (DaemonException e) {
            return new Status(DaemonStatus.State.UNKNOWN, 0, e.getMessage());
        }
        if (!state.exists()) {
            return new Status(DaemonStatus.State.NOT_RUNNING, 0, null);
        }
        if (!state.locked()) {
            return new Status(DaemonStatus.State.DEAD, state.pid().orElse(0), null);
        }
        String problem = state.problem() != null ? state.problem()
                : DaemonIdentity.notTheDaemon(pidFile, state.holder().getAsLong());
        if (problem != null) {
            return new Status(DaemonStatus.State.UNKNOWN, 0, problem
                    + "; not touching it (remove the lock or choose another --pidfile)");
        }
        return new Status(DaemonStatus.State.RUNNING, state.holder().getAsLong(), null);
    }

    /**
     * Stops the daemon behind a pidfile: SIGTERM, then waits until the process is gone, up to
     * {@code timeout}; past it, SIGKILL if {@code force}, else a failure. Removes a stale pidfile.
     * Only a process proven to be the daemon is signalled (see {@link HelperProcess}).
     *
     * @return what the pidfile said before the stop: RUNNING with the PID now stopped, DEAD with
     *     the PID of the stale pidfile now removed, or NOT_RUNNING (no pidfile); never UNKNOWN
     * @throws DaemonException if the daemon is still running after the timeout, or the pidfile's
     *     holder is not provably the daemon
     */
    public static Status stop(Path pidFile, Duration timeout, boolean force) {
        for (int attempt = 0; ; attempt++) {
            Status status = status(pidFile);
            switch (status.state()) {
                case UNKNOWN:
                    throw new DaemonException(status.detail(), ExitStatus.FAILED);
                case NOT_RUNNING:
                    return status;
                case DEAD:
                    try {
                        PidFile.removeStale(pidFile);
                        return status;
                    } catch (PidFile.HeldException e) {
                        if (attempt >= 3) {
                            throw new DaemonException("pidfile " + pidFile + " keeps changing "
                                    + "between stale and locked; try again", ExitStatus.FAILED);
                        }
                        continue; // a daemon started meanwhile: stop that one
                    }
                default:
                    break;
            }
            long pid = status.pid().getAsLong();
            if (signal(pidFile, pid, "TERM") == HelperProcess.Sent.GONE) {
                return stoppedBy(pidFile, status);
            }
            if (!awaitExit(pidFile, pid, timeout)) {
                if (!force) {
                    throw new DaemonException("pid " + pid + " did not stop within "
                            + timeout.toSeconds() + " s after SIGTERM and is still running; wait "
                            + "longer with --stop-timeout=SECONDS or kill it with --force",
                            ExitStatus.FAILED);
                }
                signal(pidFile, pid, "KILL");
                if (!awaitExit(pidFile, pid, Duration.ofSeconds(10))) {
                    throw new DaemonException("pid " + pid + " survived SIGKILL for 10 s",
                            ExitStatus.FAILED);
                }
            }
            return stoppedBy(pidFile, status);
        }
    }

    /**
     * Waits until the process has exited: seen in /proc where there is one; elsewhere, until it
     * no longer holds the pidfile's lock (released as it exits), asked of the helper.
     */
    private static boolean awaitExit(Path pidFile, long pid, Duration timeout) {
        if (ProcStat.hasProc()) {
            return ProcStat.awaitExit(pid, timeout);
        }
        return ProcStat.await(new ProcStat.Condition() {
            @Override
            public boolean holds() {
                return HelperProcess.signal(pidFile, pid, "0") == HelperProcess.Sent.GONE;
            }
        }, timeout, 50);
    }

    private static Status stoppedBy(Path pidFile, Status running) {
        try {
            PidFile.removeStale(pidFile); // left behind when the daemon could not remove it
        } catch (PidFile.HeldException e) {
            // a new daemon started meanwhile: its file stays
        }
        return running;
    }

    /**
     * Sends a signal through the helper, which checks once more that {@code pid} holds the
     * pidfile and pins it with a pidfd before sending.
     *
     * @throws DaemonException at once if this user may not signal it
     */
    private static HelperProcess.Sent signal(Path pidFile, long pid, String signal) {
        HelperProcess.Sent sent = HelperProcess.signal(pidFile, pid, signal);
        if (sent == HelperProcess.Sent.DENIED) {
            throw noPermission(pid);
        }
        return sent;
    }

    private static DaemonException noPermission(long pid) {
        return new DaemonException("no permission to signal pid " + pid + " (it runs as another "
                + "user); run this as that user or as root", ExitStatus.NO_PERMISSION);
    }

    private Report statusReport(Status status) {
        int code = status.state().exitCode();
        switch (status.state()) {
            case RUNNING:
                return Report.said("is running, pid " + status.pid().getAsLong(), code);
            case DEAD:
                return Report.said("is not running, but pidfile " + options.pidFile() + " remains"
                        + (status.pid().isPresent() ? " (pid " + status.pid().getAsLong() + ")" : ""),
                        code);
            case NOT_RUNNING:
                return Report.said("is not running", code);
            default:
                return Report.found("status unknown: " + status.detail(), code);
        }
    }

    private Report stopReport(Path pidFile, boolean force) {
        Status found;
        try {
            found = stop(pidFile, options.stopTimeout(), force);
        } catch (DaemonException e) {
            throw new DaemonException("cannot stop: " + e.getMessage(), e.exitCode(), e);
        }
        switch (found.state()) {
            case RUNNING:
                return Report.said("stopped, pid " + found.pidOrZero(), ExitStatus.OK);
            case DEAD:
                return Report.said("is not running; removed stale pidfile " + pidFile, ExitStatus.OK);
            default:
                return Report.said("is not running", ExitStatus.OK);
        }
    }

    private Report reload(Path pidFile) {
        Status status = status(pidFile);
        if (status.state() == DaemonStatus.State.UNKNOWN) {
            throw new DaemonException("cannot reload: " + status.detail(), ExitStatus.FAILED);
        }
        if (status.state() != DaemonStatus.State.RUNNING) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        long pid = status.pid().getAsLong();
        if (signal(pidFile, pid, "0") == HelperProcess.Sent.GONE) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        DaemonOptions.Sighup policy = policyOf(pid);
        if (policy != DaemonOptions.Sighup.RELOAD) {
            throw new DaemonException("pid " + pid + " runs with --sighup="
                    + policy.name().toLowerCase(Locale.ROOT) + ", so SIGHUP would "
                    + (policy == DaemonOptions.Sighup.DEFAULT ? "stop it" : "be ignored")
                    + "; not sent. Start it with --sighup=reload to reload it", ExitStatus.UNSUPPORTED);
        }
        ReloadState.State before = ReloadState.of(pid); // read before the signal: see ReloadState
        if (signal(pidFile, pid, "HUP") == HelperProcess.Sent.GONE) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        return confirmed(pid, before);
    }

    /**
     * The report once the daemon says it reopened its log and ran its callbacks after the
     * signal was sent, or that it did not say so within {@code --stop-timeout} (exit 1).
     */
    private Report confirmed(long pid, ReloadState.State before) {
        if (before == null) {
            return Report.failed("sent SIGHUP to pid " + pid + ", which shows no reload progress "
                    + "(not a daemon of this jdaemon version, or /proc/" + pid + "/task is hidden "
                    + "here); its reload cannot be confirmed", ExitStatus.FAILED);
        }
        ReloadState.State after = ReloadState.awaitAfter(pid, before, options.stopTimeout());
        if (after == null) {
            return Report.failed("sent SIGHUP to pid " + pid + ", but it did not confirm the reload "
                    + "within " + options.stopTimeout().toSeconds() + " s (a reload callback still "
                    + "running, or the daemon exited); see its log, or raise --stop-timeout",
                    ExitStatus.FAILED);
        }
        switch (after.result()) {
            case LOG_NOT_REOPENED:
                return Report.failed("pid " + pid + " could not reopen its log and still writes to the "
                        + "previous file; the reason is in that file", ExitStatus.FAILED);
            case CALLBACK_FAILED:
                return Report.failed("pid " + pid + " reopened its log, but a reload callback failed; "
                        + "see its log", ExitStatus.FAILED);
            default:
                return Report.said("reloaded, pid " + pid, ExitStatus.OK);
        }
    }

    /**
     * The options to start again with: this command's, and when it names no user, the running
     * daemon's {@code --user} and {@code --keep-caps}, so that a restart never brings a daemon
     * that ran as a user back as root.
     */
    private DaemonOptions keepUser(Path pidFile) {
        Status status = status(pidFile);
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
