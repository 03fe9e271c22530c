package io.jdaemon;

import java.util.OptionalLong;

/**
 * What a pidfile says about a daemon, with the LSB {@code status} exit code of each state.
 * Returned by {@link Daemon#status(java.nio.file.Path)}, and by
 * {@link Daemon#stop(java.nio.file.Path, java.time.Duration)} as found before the stop.
 */
public final class DaemonStatus {

    /** The states, with their LSB exit codes. */
    public enum State {
        /** A live daemon holds the pidfile's lock (exit code 0). */
        RUNNING(0),
        /** The pidfile exists but no process holds it: the daemon died (exit code 1). */
        DEAD(1),
        /** No pidfile: not running (exit code 3). */
        NOT_RUNNING(3),
        /** The pidfile cannot be read or is not a plain file (exit code 4). */
        UNKNOWN(4);

        private final int exitCode;

        State(int exitCode) {
            this.exitCode = exitCode;
        }

        /** {@return the LSB init-script exit code of {@code status} in this state} */
        public int exitCode() {
            return exitCode;
        }
    }

    private final State state;
    private final long pid;
    private final String detail;

    /** A status; {@code pid} 0 when there is none, {@code detail} the reason for UNKNOWN. */
    DaemonStatus(State state, long pid, String detail) {
        this.state = state;
        this.pid = pid;
        this.detail = detail == null ? "" : detail;
    }

    /** {@return the state} */
    public State state() {
        return state;
    }

    /** {@return the daemon's PID when running, or the PID a stale pidfile names} */
    public OptionalLong pid() {
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    /** {@return why the state is {@link State#UNKNOWN}; empty otherwise} */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return state + (pid > 0 ? " pid " + pid : "") + (detail.isEmpty() ? "" : ": " + detail);
    }
}
