package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.daemon.ReloadState;
import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.helper.HelperProtocol;
import io.jdaemon.internal.launch.DaemonState;
import io.jdaemon.internal.pidfile.LaunchRecord;
import java.nio.file.Path;
import java.util.Locale;

/** {@code --daemon=reload}: SIGHUP to the proven daemon, and the wait for its confirmation. */
final class Reload {

    private final DaemonOptions options;

    Reload(DaemonOptions options) {
        this.options = options;
    }

    /**
     * Sends SIGHUP if the daemon handles it: its {@code --sighup} policy from the launch record
     * of this user, or, without one, this command's own flags and defaults. Nothing is read from
     * the daemon's command line.
     */
    Report reload(Path pidFile) {
        DaemonState status = DaemonState.of(pidFile);
        if (status.state() == DaemonStatus.State.UNKNOWN) {
            throw new DaemonException("cannot reload: " + status.detail(), status.noPermission()
                    ? ExitStatus.NO_PERMISSION : ExitStatus.FAILED);
        }
        if (status.state() != DaemonStatus.State.RUNNING) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        long pid = status.pid().getAsLong();
        if (status.pidFileRemoved()) {
            throw new DaemonException("cannot reload: pid " + pid + " runs but its pidfile " + pidFile
                    + " was removed; restart it to get a pidfile again", ExitStatus.FAILED);
        }
        if (Stop.signal(pidFile, pid, HelperProtocol.SIGNAL_PROBE, status.startTicks())
                == HelperControl.Sent.GONE) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        LaunchRecord record = LaunchRecord.read(pidFile);
        DaemonOptions.Sighup policy = record != null && record.pid() == pid
                ? record.options().sighup() : options.sighup();
        if (policy != DaemonOptions.Sighup.RELOAD) {
            throw new DaemonException("pid " + pid + " runs with --sighup="
                    + policy.name().toLowerCase(Locale.ROOT) + ", so SIGHUP would "
                    + (policy == DaemonOptions.Sighup.DEFAULT ? "stop it" : "be ignored")
                    + "; not sent. Start it with --sighup=reload to reload it"
                    + (record == null ? " (no launch record of this user names it: the policy is "
                            + "this command's --sighup)" : ""), ExitStatus.UNSUPPORTED);
        }
        ReloadState.State before = ReloadState.of(pid); // read before the signal: see ReloadState
        if (Stop.signal(pidFile, pid, HelperProtocol.SIGNAL_HUP, status.startTicks())
                == HelperControl.Sent.GONE) {
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
}
