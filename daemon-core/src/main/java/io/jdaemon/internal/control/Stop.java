package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.helper.HelperProtocol;
import io.jdaemon.internal.launch.DaemonState;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.pidfile.DaemonIdentity;
import io.jdaemon.internal.pidfile.PidFile;
import io.jdaemon.internal.pidfile.StalePidFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code --daemon=stop} and {@code Daemon.stop}: SIGTERM to the proven daemon, the bounded wait,
 * SIGKILL only when forced.
 */
public final class Stop {

    private Stop() {
    }

    /**
     * Stops the daemon behind a pidfile: SIGTERM (then SIGCONT, if the process is stopped, so it
     * can act on it), then waits until the process is gone, up to {@code timeout}; past it,
     * SIGKILL if {@code force}, else a failure. Removes a stale pidfile. Only a process proven to
     * be the daemon is signalled (see {@link DaemonIdentity}).
     *
     * @return what the pidfile said before the stop: RUNNING with the PID now stopped, DEAD with
     *     the PID of the stale pidfile now removed, or NOT_RUNNING (no pidfile); never UNKNOWN
     * @throws DaemonException if the daemon is still running after the timeout, or the pidfile's
     *     holder is not provably the daemon
     */
    public static DaemonState stop(Path pidFile, Duration timeout, boolean force) {
        for (int attempt = 0; ; attempt++) {
            DaemonState status = DaemonState.of(pidFile);
            LaunchRecord record = LaunchRecord.read(pidFile);
            switch (status.state()) {
                case UNKNOWN:
                    // another user's daemon, to a user who could not signal it anyway: LSB 4
                    throw new DaemonException(status.detail(), status.noPermission()
                            ? ExitStatus.NO_PERMISSION : ExitStatus.FAILED);
                case NOT_RUNNING:
                    if (record != null && !record.processAlive()) {
                        LaunchRecord.remove(pidFile, record.pid());
                    }
                    return status;
                case DEAD:
                    try {
                        StalePidFile.removeStale(pidFile, staleOwner(pidFile, record));
                        if (record != null && !record.processAlive()) {
                            LaunchRecord.remove(pidFile, record.pid());
                        }
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
            boolean ours = record != null && record.pid() == pid;
            if (ours) {
                LaunchRecord.write(record.stopping(true)); // a start meanwhile waits for the exit
            }
            try {
                if (status.pidFileRemoved()) {
                    stopWithoutPidFile(status, timeout, force);
                } else {
                    stopHolder(pidFile, status, timeout, force);
                }
            } catch (DaemonException e) {
                if (ours) {
                    LaunchRecord.write(record); // still running: no stop under way any more
                }
                throw e;
            }
            if (ours) {
                LaunchRecord.remove(pidFile, pid);
            }
            return stoppedBy(pidFile, status, ours ? record.uid() : staleOwner(pidFile, null));
        }
    }

    /** SIGTERM to the proven holder, SIGCONT if it is stopped, and the wait (see {@link #stop}). */
    private static void stopHolder(Path pidFile, DaemonState status, Duration timeout, boolean force) {
        long pid = status.pid().getAsLong();
        long start = status.startTicks();
        if (signal(pidFile, pid, HelperProtocol.SIGNAL_TERM, start) == HelperControl.Sent.GONE) {
            return;
        }
        if (Processes.state(pid) == 'T') {
            // Stopped (SIGSTOP, or a terminal stop): the SIGTERM stays pending until it runs
            // again, as start-stop-daemon and systemd know; continue it so it can exit now.
            status.note("pid " + pid + " was stopped (state T, by SIGSTOP or a terminal stop); "
                    + "sent SIGCONT after SIGTERM so that it can exit");
            signal(pidFile, pid, HelperProtocol.SIGNAL_CONT, start);
        }
        if (!awaitExit(pidFile, pid, start, timeout)) {
            if (!force) {
                throw new DaemonException("pid " + pid + " did not stop within "
                        + timeout.toSeconds() + " s after SIGTERM and is still running"
                        + (Processes.state(pid) == 'T' ? " (stopped: state T)" : "") + "; wait "
                        + "longer with --stop-timeout=SECONDS or kill it with --force",
                        ExitStatus.FAILED);
            }
            signal(pidFile, pid, HelperProtocol.SIGNAL_KILL, start);
            if (!awaitExit(pidFile, pid, start, Duration.ofSeconds(10))) {
                throw new DaemonException("pid " + pid + " survived SIGKILL for 10 s",
                        ExitStatus.FAILED);
            }
        }
    }

    /**
     * Stops the recorded daemon whose pidfile was removed: no lock to check again, so through a
     * ProcessHandle taken now, once its start time was found to be the recorded one (the JDK
     * checks it again before it signals).
     */
    private static void stopWithoutPidFile(DaemonState status, Duration timeout, boolean force) {
        long pid = status.pid().getAsLong();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || Processes.startTicks(pid) != status.startTicks()) {
            return; // gone meanwhile
        }
        status.note("pidfile of pid " + pid + " had been removed; stopped the process its "
                + "launch record names");
        handle.get().destroy();
        if (!Processes.awaitExit(pid, timeout)) {
            if (!force) {
                throw new DaemonException("pid " + pid + " did not stop within "
                        + timeout.toSeconds() + " s after SIGTERM and is still running; wait "
                        + "longer with --stop-timeout=SECONDS or kill it with --force",
                        ExitStatus.FAILED);
            }
            handle.get().destroyForcibly();
            if (!Processes.awaitExit(pid, Duration.ofSeconds(10))) {
                throw new DaemonException("pid " + pid + " survived SIGKILL for 10 s", ExitStatus.FAILED);
            }
        }
    }

    /**
     * The owner besides this user and root whose stale pidfile this command may remove: the
     * recorded daemon's user; without a record, for root, the owner of the pidfile's directory
     * (a directory given to the daemon's user); else none (-1).
     */
    private static long staleOwner(Path pidFile, LaunchRecord record) {
        if (record != null) {
            return record.uid();
        }
        return TrustedPath.Identity.current().uid == 0 ? DaemonIdentity.directoryOwner(pidFile) : -1;
    }

    /**
     * Waits until the process has exited: seen in /proc where there is one; elsewhere, until it
     * no longer holds the pidfile's lock (released as it exits), asked of the helper.
     */
    private static boolean awaitExit(Path pidFile, long pid, long start, Duration timeout) {
        if (Processes.hasProc()) {
            return Processes.await(new Processes.Condition() {
                @Override
                public boolean holds() {
                    return !Processes.isAlive(pid) || start >= 0 && Processes.startTicks(pid) != start;
                }
            }, timeout, 10);
        }
        return Processes.await(new Processes.Condition() {
            @Override
            public boolean holds() {
                return HelperControl.signal(pidFile, pid, HelperProtocol.SIGNAL_PROBE, start)
                        == HelperControl.Sent.GONE;
            }
        }, timeout, 50);
    }

    /**
     * After the daemon exited: removes the pidfile it left behind (it could not, being killed,
     * or its directory being read-only). A file that cannot be removed is said in a note: the
     * daemon is stopped, which is what was asked, and the file is unlocked, so a start replaces
     * it.
     */
    private static DaemonState stoppedBy(Path pidFile, DaemonState running, long alsoOwner) {
        try {
            StalePidFile.removeStale(pidFile, alsoOwner);
        } catch (PidFile.HeldException e) {
            // a new daemon started meanwhile: its file stays
        } catch (DaemonException e) {
            running.note("warning: " + e.getMessage().replace("; remove it by hand",
                    "; it is stale (unlocked): remove it by hand, or a start replaces it"));
        }
        return running;
    }

    /**
     * Sends a signal through the helper, which checks once more that {@code pid} holds the
     * pidfile and, pinned with a pidfd, has start time {@code start}, before sending.
     *
     * @throws DaemonException at once if this user may not signal it
     */
    static HelperControl.Sent signal(Path pidFile, long pid, String signal, long start) {
        HelperControl.Sent sent = HelperControl.signal(pidFile, pid, signal, start);
        if (sent == HelperControl.Sent.DENIED) {
            throw noPermission(pid);
        }
        return sent;
    }

    private static DaemonException noPermission(long pid) {
        return new DaemonException("no permission to signal pid " + pid + " (it runs as another "
                + "user); run this as that user or as root", ExitStatus.NO_PERMISSION);
    }
}
