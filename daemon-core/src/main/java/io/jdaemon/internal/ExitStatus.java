package io.jdaemon.internal;

/** Exit statuses of the launcher and control commands, after the LSB init-script conventions. */
public final class ExitStatus {

    /** Done, or nothing to do (already running, already stopped). */
    public static final int OK = 0;
    /** The daemon failed to start or to stop. */
    public static final int FAILED = 1;
    /** Invalid arguments: an unknown action, a malformed value. */
    public static final int USAGE = 2;
    /** This platform or configuration cannot do what was asked. */
    public static final int UNSUPPORTED = 3;
    /** Not permitted: the daemon runs as another user. */
    public static final int NO_PERMISSION = 4;
    /** The helper is missing for this platform or cannot be executed. */
    public static final int NOT_INSTALLED = 5;
    /** The program is not running (for reload). */
    public static final int NOT_RUNNING = 7;
    /** A configured path is unusable: a missing directory, a symlink, no permission. */
    public static final int NOT_CONFIGURED = 6;

    private ExitStatus() {
    }
}
