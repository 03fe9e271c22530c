package io.jdaemon;

/**
 * A failure to start or control a daemon: a one-line message for the operator (what, which value
 * or path, how to fix it) and the exit status the launcher ends with. The cause, if any, is chained.
 */
public class DaemonException extends RuntimeException {

    /** The serialized form's version. */
    private static final long serialVersionUID = 1L;

    /** The exit status the launcher ends with. */
    private final int exitCode;

    /**
     * A failure with the operator's message and the launcher's exit status.
     *
     * @param message the operator's one-line message
     * @param exitCode the launcher's exit status
     */
    public DaemonException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    /**
     * A failure with the operator's message, the launcher's exit status and the cause.
     *
     * @param message the operator's one-line message
     * @param exitCode the launcher's exit status
     * @param cause the underlying failure, or null
     */
    public DaemonException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** {@return the exit status the launcher ends with for this failure (never 0)} */
    public int exitCode() {
        return exitCode;
    }
}
