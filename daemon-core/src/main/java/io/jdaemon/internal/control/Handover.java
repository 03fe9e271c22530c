package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.launch.DaemonState;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.launch.Launcher;
import io.jdaemon.internal.os.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A restart that hands the running daemon's listening socket (its fd 0, from {@code --listen})
 * to the new daemon, so the kernel's accept queue is never closed and no connection is refused:
 * the helper takes the socket from the daemon the pidfile's lock proves ({@code pidfd_getfd}),
 * the new daemon starts on it while the old one still serves, and only once the new one is ready
 * does its pidfile replace the old one's (one rename: {@code status} always finds a daemon) and
 * the old one get SIGTERM. If the new one does not become ready, nothing was stopped.
 */
final class Handover {

    private Handover() {
    }

    /**
     * Why the daemon behind {@code pidFile} cannot hand its socket over to a daemon of
     * {@code again}, in words for the operator, or null if it can.
     */
    static String impossible(Path pidFile, LaunchRecord record, DaemonOptions again) {
        DaemonState running = DaemonState.of(pidFile);
        if (running.state() != DaemonStatus.State.RUNNING) {
            return "it is not running";
        }
        if (running.pidFileRemoved()) {
            return "its pidfile was removed";
        }
        long pid = running.pidOrZero();
        if (record == null || record.pid() != pid || record.startTicks() != running.startTicks()) {
            return "no launch record of this user names pid " + pid;
        }
        if (!Objects.equals(record.options().user(), again.user())) {
            return "--user changes";
        }
        if (!Objects.equals(record.options().listen(), again.listen())) {
            return "--listen changes (the new daemon listens anew)";
        }
        try {
            HelperControl.Taken taken = HelperControl.take(pidFile, pid, running.startTicks());
            return taken.possible() ? null : taken.reason();
        } catch (DaemonException e) {
            return e.getMessage();
        }
    }

    /**
     * Starts the successor of {@code record}'s daemon on its socket and, once it is ready,
     * stops the old one (SIGTERM; past {@code stopTimeout} SIGKILL if {@code force}).
     */
    static Report restart(LaunchRecord record, DaemonOptions again, String name,
            JvmCommandLine commandLine, Duration stopTimeout, boolean force) {
        long old = record.pid();
        Report started;
        try {
            started = new Launcher(again, name, commandLine).succeeding(record).start();
        } catch (DaemonException e) {
            started = Report.of(e);
        }
        if (!started.ok()) {
            return started.then(Report.failed("pid " + old + " serves on; nothing was stopped",
                    started.exitStatus()));
        }
        Report stopped = stopPredecessor(old, record.startTicks(), stopTimeout, force);
        LaunchRecord now = LaunchRecord.read(record.pidFile());
        if (now != null) {
            LaunchRecord.write(now.predecessor(0, -1)); // it is gone (or stays named while it runs)
        }
        return started.then(stopped);
    }

    /**
     * SIGTERM to the old daemon, through a handle taken while it was the proven holder of the
     * pidfile (the JDK checks its start time again before it signals): its pidfile is the new
     * daemon's now, so it is no longer the lock that proves it. Waits for its exit.
     */
    private static Report stopPredecessor(long pid, long start, Duration timeout, boolean force) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || Processes.startTicks(pid) != start) {
            return Report.said("stopped, pid " + pid, ExitStatus.OK); // gone meanwhile
        }
        handle.get().destroy();
        if (!Processes.awaitExit(pid, timeout)) {
            if (!force) {
                return Report.failed("pid " + pid + " (the previous daemon) did not stop within "
                        + timeout.toSeconds() + " s after SIGTERM and still runs beside the new one; "
                        + "wait longer with --stop-timeout=SECONDS or kill it with --force",
                        ExitStatus.FAILED);
            }
            handle.get().destroyForcibly();
            if (!Processes.awaitExit(pid, Duration.ofSeconds(10))) {
                return Report.failed("pid " + pid + " survived SIGKILL for 10 s", ExitStatus.FAILED);
            }
        }
        return Report.said("stopped, pid " + pid, ExitStatus.OK);
    }
}
