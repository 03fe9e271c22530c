package io.jdaemon.internal.pidfile;

import java.util.OptionalLong;

/** What a look at a pidfile found ({@link PidFile#inspect}). */
public final class PidFileState {
    private final boolean exists;
    private final boolean locked;
    private final long pid;
    private final long holder;
    private final String problem;
    private final long holderStart;
    private final long owner;
    boolean anotherUsers;

    PidFileState(boolean exists, boolean locked, long pid, long holder, String problem) {
        this(exists, locked, pid, holder, problem, -1, -1);
    }

    PidFileState(boolean exists, boolean locked, long pid, long holder, String problem, long holderStart,
            long owner) {
        this.exists = exists;
        this.locked = locked;
        this.pid = pid;
        this.holder = holder;
        this.problem = problem;
        this.holderStart = holderStart;
        this.owner = owner;
    }

    /** The proven holder's start time (field 22 of /proc/PID/stat); -1 where unknown. */
    public long holderStart() {
        return holderStart;
    }

    /** Whether the problem is that the holder is another user's process, as the file's owner. */
    public boolean anotherUsers() {
        return anotherUsers;
    }

    /** The file's owner; -1 if unknown. */
    long owner() {
        return owner;
    }

    /** Whether a file is at the path. */
    public boolean exists() {
        return exists;
    }

    /** Whether a live process holds a write lock on the file: a daemon, or an impostor. */
    public boolean locked() {
        return locked;
    }

    /** The PID in the file, if its content is a PID. */
    public OptionalLong pid() {
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    /**
     * The daemon holding the lock, as the kernel names it and {@link DaemonIdentity} proves
     * it. Empty when unlocked, or when the holder is not proven the daemon (then
     * {@link #problem()} says why).
     */
    public OptionalLong holder() {
        return holder > 0 ? OptionalLong.of(holder) : OptionalLong.empty();
    }

    /** Why the holder of a locked file is not proven the daemon; null otherwise. */
    public String problem() {
        return problem;
    }
}
