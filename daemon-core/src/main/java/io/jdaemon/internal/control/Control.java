package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.helper.HelperProtocol;
import io.jdaemon.internal.launch.DaemonState;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.pidfile.DaemonIdentity;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The control commands {@code --daemon=stop|restart|status|reload}, run in the launching JVM from
 * the pidfile: each acts, prints one line and returns an LSB exit code. The daemon is identified
 * by the pidfile's lock and its holder, as the kernel names it ({@code fcntl(F_GETLK)}, asked by
 * the helper: see {@link HelperControl}), never by {@code kill -0} on whatever PID the file names,
 * so a stale file or a reused PID is never signalled; whether that holder is the daemon is
 * {@link DaemonIdentity}'s decision. A restart starts from the {@link LaunchRecord} of this
 * user, never from a process's command line.
 */
public final class Control {

    private final DaemonOptions options;
    private final Flags.Parsed parsed;
    private final String name;

    /**
     * @param defaults the service's programmatic defaults (unused: what this command does not
     *     give comes from the launch record, or this command's own options)
     * @param options the effective options of this command
     * @param name the name used in messages
     */
    public Control(DaemonOptions defaults, DaemonOptions options, String name) {
        this.options = options;
        this.parsed = null;
        this.name = name;
    }

    /** A control command of these parsed flags: those it gives override a launch record's. */
    public Control(Flags.Parsed parsed, String name) {
        this.options = parsed.options();
        this.parsed = parsed;
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
                return statusReport(DaemonState.of(pidFile));
            case STOP:
                return stopReport(pidFile, force);
            case RESTART:
                return new Restart(this, options, parsed, name).restart(pidFile, force);
            case RELOAD:
                return new Reload(options).reload(pidFile);
            default:
                throw new IllegalArgumentException(action.toString());
        }
    }

    private Report statusReport(DaemonState status) {
        int code = status.state().exitCode();
        switch (status.state()) {
            case RUNNING:
                return Report.said("is running, pid " + status.pid().getAsLong()
                        + (status.pidFileRemoved() ? " (its pidfile " + options.pidFile()
                                + " was removed)" : ""), code);
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

    Report stopReport(Path pidFile, boolean force) {
        DaemonState found;
        try {
            found = Stop.stop(pidFile, options.stopTimeout(), force);
        } catch (DaemonException e) {
            throw new DaemonException("cannot stop: " + e.getMessage(), e.exitCode(), e);
        }
        Report notes = null;
        for (String note : found.notes()) {
            notes = notes == null ? Report.notice(note) : notes.then(Report.notice(note));
        }
        Report said;
        switch (found.state()) {
            case RUNNING:
                said = Report.said("stopped, pid " + found.pidOrZero(), ExitStatus.OK);
                break;
            case DEAD:
                said = Report.said("is not running; removed stale pidfile " + pidFile, ExitStatus.OK);
                break;
            default:
                said = Report.said("is not running", ExitStatus.OK);
                break;
        }
        return notes == null ? said : notes.then(said);
    }
}
