package io.jdaemon.internal.pidfile;

import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one rule that decides whether the process holding a pidfile's lock is the daemon behind
 * that pidfile, before anything is signalled, reported as running, or started "already running".
 * Every caller (status, stop, restart, reload, start, {@code Daemon.status}) asks here; the
 * helper's control mode only reports facts (who holds the lock, what the file names, its links
 * and owner) and, when it signals, checks once more, after pinning the process, that it is the
 * same PID with the same start time as was proven here.
 *
 * <p>The lock first: a POSIX write lock, held by a process visible in this PID namespace, on a
 * regular file with one link that names that process. Then who it is:
 * <ul>
 * <li>With a {@link LaunchRecord} of this user for the pidfile whose process still runs: the
 * holder must be that process (PID and start time), or, while a restart hands the listening
 * socket over, the daemon it took it from (whose pidfile the new one's replaces), run as the
 * recorded user (real and
 * effective uid), and the pidfile must be owned by that user (the daemon creates it as itself).
 * <li>Without one (a daemon started by another user or an older version, or a service in the
 * foreground under a supervisor with {@code --pidfile}): the holder must run as the pidfile's
 * owner, and that owner must be the caller or root, or, for a root caller, the owner of the
 * pidfile's directory (a directory given to the daemon's user, as systemd's
 * {@code RuntimeDirectory=} does). So another user's lock in a shared directory such as
 * {@code /tmp} never makes root act, nor report a daemon there as its own, nor makes a user's
 * start say "already running"; a root daemon is reported to every user (signalling it is then
 * the kernel's decision: not permitted).
 * </ul>
 * Nothing in a process's command line counts: its owner can write anything there.
 *
 * <p>Where /proc does not show this PID namespace (or there is no /proc), only the lock is
 * checked: the helper asks the kernel in this namespace.
 */
public final class DaemonIdentity {

    private DaemonIdentity() {
    }

    /** The holder proven to be the daemon: its PID and start time (-1 where unknown). */
    static final class Proven {
        final long pid;
        final long startTicks;

        Proven(long pid, long startTicks) {
            this.pid = pid;
            this.startTicks = startTicks;
        }
    }

    /**
     * Why the holder of {@code lock} is not the daemon behind {@code pidFile}, or null if it is.
     *
     * @param lock what the helper found (a write-locked file)
     * @param record this user's launch record for the pidfile, or null
     */
    static String notTheDaemon(Path pidFile, HelperControl.Lock lock, LaunchRecord record) {
        String problem = lockProblem(pidFile, lock);
        if (problem != null || !procIsOurs()) {
            return problem;
        }
        long holder = lock.holder();
        long[] uids = Processes.uids(holder);
        long start = Processes.startTicks(holder);
        if (uids == null || start < 0) {
            return "pidfile " + pidFile + " is locked by pid " + holder + ", which this user cannot "
                    + "see in /proc (it exited meanwhile, or /proc hides it)";
        }
        if (record != null && record.processAlive()) {
            if (!record.names(holder, start)) {
                return "pidfile " + pidFile + " is locked by pid " + holder + ", but the daemon "
                        + "this user started for it is pid " + record.pid() + ", still running";
            }
            if (uids[0] != record.uid() || uids[1] != record.uid()) {
                return "pid " + holder + " holds pidfile " + pidFile + " but runs as uid " + uids[1]
                        + ", not as uid " + record.uid() + " it was started as";
            }
            if (lock.owner() != record.uid()) {
                return "pidfile " + pidFile + " belongs to uid " + lock.owner() + ", not to uid "
                        + record.uid() + " its daemon runs as";
            }
            return null;
        }
        long owner = lock.owner();
        if (uids[0] != owner || uids[1] != owner) {
            return "pidfile " + pidFile + " belongs to uid " + owner + " but is locked by pid " + holder
                    + " running as uid " + uids[1];
        }
        long self = TrustedPath.Identity.current().uid;
        if (owner == self || owner == 0 || self == 0 && owner == directoryOwner(pidFile)) {
            return null;
        }
        return "pidfile " + pidFile + " is locked by pid " + holder + " of uid " + owner
                + ", and no launch record of this user names it (run this command as that user, or "
                + "choose another --pidfile)";
    }

    /**
     * Whether the holder of {@code lock} runs as the pidfile's owner, another user than the
     * caller: when {@link #notTheDaemon} refuses it, the caller lacks the privilege (LSB 4)
     * rather than facing an impostor.
     */
    static boolean anotherUsers(HelperControl.Lock lock) {
        long[] uids = procIsOurs() ? Processes.uids(lock.holder()) : null;
        return uids != null && uids[0] == lock.owner() && uids[1] == lock.owner()
                && lock.owner() != TrustedPath.Identity.current().uid;
    }

    /** The holder, with its start time, once {@link #notTheDaemon} found no problem. */
    static Proven proven(HelperControl.Lock lock) {
        long holder = lock.holder();
        return new Proven(holder, procIsOurs() ? Processes.startTicks(holder) : -1);
    }

    /** What the lock alone shows: why it proves no daemon, or null. */
    private static String lockProblem(Path pidFile, HelperControl.Lock lock) {
        if (lock.ofdLocked()) {
            return "pidfile " + pidFile + " is locked by an open file description lock, not by "
                    + "a daemon's process";
        }
        if (!lock.posixLocked()) {
            return "pidfile " + pidFile + " is not locked by a running daemon";
        }
        if (lock.holder() == 0) {
            return "pidfile " + pidFile + " is locked by a process outside this PID namespace; "
                    + "run this command where the daemon runs";
        }
        if (lock.content() != lock.holder()) {
            return "pidfile " + pidFile + " is locked by pid " + lock.holder() + " but names "
                    + (lock.content() > 0 ? "pid " + lock.content() : "no PID");
        }
        if (lock.links() != 1) {
            return "pidfile " + pidFile + " has " + lock.links() + " hard links; a daemon's pidfile "
                    + "has one";
        }
        return null;
    }

    /** The uid owning the pidfile's directory; -1 if it cannot be read. */
    public static long directoryOwner(Path pidFile) {
        Path dir = pidFile.toAbsolutePath().getParent();
        try {
            return dir == null ? -1 : ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Whether /proc shows this process's own PID namespace. */
    static boolean procIsOurs() {
        return Processes.hasProc() && Processes.selfPid() == ProcessHandle.current().pid();
    }
}
