package io.jdaemon.internal.launch;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonStatus;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.pidfile.PidFile;
import io.jdaemon.internal.pidfile.PidFilePlacement;
import io.jdaemon.internal.pidfile.PidFileState;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a pidfile says of its daemon; {@code Daemon.status} and {@code Daemon.stop} give it
 * out as a DaemonStatus.
 */
public final class DaemonState {
    private final DaemonStatus.State state;
    private final long pid;
    private final String detail;
    final long startTicks;
    private final boolean pidFileRemoved;
    final List<String> notes = new ArrayList<>();
    boolean noPermission;

    DaemonState(DaemonStatus.State state, long pid, String detail) {
        this(state, pid, detail, -1, false);
    }

    DaemonState(DaemonStatus.State state, long pid, String detail, long startTicks,
            boolean pidFileRemoved) {
        this.state = state;
        this.pid = pid;
        this.detail = detail == null ? "" : detail;
        this.startTicks = startTicks;
        this.pidFileRemoved = pidFileRemoved;
    }

    /** The state, with its LSB code. */
    public DaemonStatus.State state() {
        return state;
    }

    /** The running daemon's PID, or the one a stale pidfile names; 0 if none. */
    public long pidOrZero() {
        return pid;
    }

    public OptionalLong pid() {
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    /** The running daemon's start time (field 22 of /proc/PID/stat); -1 where unknown. */
    /** Adds a line to say under the state (what a stop or a check found on the way). */
    public void note(String line) {
        notes.add(line);
    }

    /** Whether the state could not be read for want of permission (another user's pidfile). */
    public boolean noPermission() {
        return noPermission;
    }

    public long startTicks() {
        return startTicks;
    }

    /** Why the state is UNKNOWN; empty otherwise. */
    public String detail() {
        return detail;
    }

    /** Whether the daemon runs but its pidfile was removed (with its directory, say). */
    public boolean pidFileRemoved() {
        return pidFileRemoved;
    }

    /** What a stop had to do that the operator should know, one line each. */
    public List<String> notes() {
        return notes;
    }

    /** The state of the daemon behind a pidfile. */
    public static DaemonState of(Path pidFile) {
        String replaceable = PidFilePlacement.replaceableDirectory(pidFile);
        if (replaceable != null) {
            return new DaemonState(DaemonStatus.State.UNKNOWN, 0, replaceable);
        }
        PidFileState state;
        try {
            state = PidFile.inspect(pidFile);
        } catch (DaemonException e) {
            return new DaemonState(DaemonStatus.State.UNKNOWN, 0, e.getMessage());
        }
        if (!state.exists()) {
            // Its directory removed, say: the daemon this user started for it may still run,
            // holding the removed file open.
            LaunchRecord record = LaunchRecord.read(pidFile);
            if (record != null && record.processAlive() && holdsRemoved(record.pid(), pidFile)) {
                return new DaemonState(DaemonStatus.State.RUNNING, record.pid(), null, record.startTicks(), true);
            }
            return new DaemonState(DaemonStatus.State.NOT_RUNNING, 0, null);
        }
        if (!state.locked()) {
            return new DaemonState(DaemonStatus.State.DEAD, state.pid().orElse(0), null);
        }
        if (state.problem() != null) {
            DaemonState unknown = new DaemonState(DaemonStatus.State.UNKNOWN, 0, state.problem()
                    + "; not touching it (remove the lock or choose another --pidfile)");
            unknown.noPermission = state.anotherUsers() && TrustedPath.Identity.current().uid != 0;
            return unknown;
        }
        return new DaemonState(DaemonStatus.State.RUNNING, state.holder().getAsLong(), null,
                state.holderStart(), false);
    }

    /**
     * Whether process {@code pid} has {@code pidFile} open although no file is at that path any
     * more: its descriptor's link in /proc reads {@code DIR/.NAME.PID.tmp (deleted)}, the name
     * the daemon created it under.
     */
    public static boolean holdsRemoved(long pid, Path pidFile) {
        String[] fds = new File("/proc/" + pid + "/fd").list();
        if (fds == null) {
            return false;
        }
        // The daemon opened it under its temporary name (see PidFile.acquire), removed since.
        Path path = pidFile.toAbsolutePath().normalize();
        String removed = path.resolveSibling("." + path.getFileName() + "." + pid + ".tmp") + " (deleted)";
        for (String fd : fds) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", fd)).toString()
                        .equals(removed)) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // closed meanwhile
            }
        }
        return false;
    }
}
