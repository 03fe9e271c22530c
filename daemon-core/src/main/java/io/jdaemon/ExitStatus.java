package io.jdaemon;

/**
 * The exit statuses of the {@code --daemon} launcher and of the control commands, after the LSB
 * init-script conventions ({@code status}: 0 running, 1 dead with a pidfile, 3 not running, 4
 * unknown), as the README's tables list them. Scripts and supervisors may rely on them.
 */
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
