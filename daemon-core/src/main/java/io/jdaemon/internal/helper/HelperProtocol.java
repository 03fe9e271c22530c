package io.jdaemon.internal.helper;

/**
 * The contract with the native helper, the Java half of daemon-native's {@code protocol.h}: every
 * exit status, message prefix and control-mode word the Java side reads or writes, each named as
 * there without {@code PROTOCOL_}. HelperProtocolTest reads protocol.h and fails when the two
 * disagree, so a constant changes in both or in neither.
 */
public final class HelperProtocol {

    // ---- Both modes

    /** Every line the helper writes on stderr starts with this. */
    public static final String PREFIX = "jdaemon-helper: ";
    /** Exit status for a command line the helper does not accept: a bug of the caller's. */
    public static final int EXIT_USAGE = 2;
    /**
     * A PID, on the helper's command line and in a pidfile (which may add one newline): 1 to
     * this many ASCII digits, leading zeros allowed, 1 to {@link #PID_MAX}.
     */
    public static final int PID_MAX_DIGITS = 10;
    /** The largest PID the helper and the Java side read. */
    public static final int PID_MAX = 2147483647;

    // ---- Detach mode: jdaemon-helper [OPTION...] -- PROGRAM [ARG...]

    /** On stdout, once: this, the daemon's PID and a newline. */
    public static final String PID_LINE = "pid ";
    /**
     * With {@code --watch DIR}, on stdout after the PID line (and any error line of the daemon's
     * exec): this line once the helper watches the daemon's start; then one line per event until
     * the start is over, each of which only wakes the launcher.
     */
    public static final String WATCHING = "watching";
    /** Event: a file was renamed into the watched directory. */
    public static final String WATCH_CHANGED = "changed";
    /** Event: the daemon exited. */
    public static final String WATCH_EXITED = "exited";
    /** The PID was written, and the daemon executed PROGRAM or wrote on stderr why not. */
    public static final int EXIT_OK = 0;
    /** A check before the daemon was forked failed (or a fork): one line on stderr, nothing left. */
    public static final int EXIT_FAILED = 1;
    /** This system cannot do what was asked (no ambient capabilities, not Linux). */
    public static final int EXIT_UNSUPPORTED = 3;

    /** In a failed system call's line: what failed, this, the errno and " (NAME)" where known. */
    public static final String ERRNO = ": errno ";
    /** What failed: a fork, in the helper's first or second process. */
    public static final String FORK_FAILED = "cannot fork";
    /** What failed: the daemon's exec of PROGRAM (named next). */
    public static final String EXEC_FAILED = "cannot execute ";
    /** The error of a fork at the process limit. */
    public static final String EAGAIN = "EAGAIN";
    /** The error of an exec whose command line is too long. */
    public static final String E2BIG = "E2BIG";

    // ---- Control mode

    /** The helper's first argument for control mode. */
    public static final String CONTROL = "--control";
    /** {@code --control query PIDFILE}: who holds the pidfile's lock. */
    public static final String QUERY = "query";
    /** {@code --control signal PIDFILE PID SIGNAL [START]}: signal the proven holder only. */
    public static final String SIGNAL = "signal";
    /** {@code --control take PIDFILE PID START}: whether the daemon's listening socket can be taken. */
    public static final String TAKE = "take";

    /** Fields of query's reply: KIND HOLDER CONTENT LINKS OWNER, one space apart. */
    public static final int QUERY_FIELDS = 5;
    /** KIND: no file at the path. */
    public static final String LOCK_ABSENT = "absent";
    /** KIND: no write lock. */
    public static final String LOCK_NONE = "none";
    /** KIND: a process's POSIX write lock. */
    public static final String LOCK_POSIX = "posix";
    /** KIND: an open file description lock. */
    public static final String LOCK_OFD = "ofd";
    /** KIND: read locks only. */
    public static final String LOCK_READ = "read";

    /** SIGNAL: SIGHUP. */
    public static final String SIGNAL_HUP = "HUP";
    /** SIGNAL: SIGTERM. */
    public static final String SIGNAL_TERM = "TERM";
    /** SIGNAL: SIGKILL. */
    public static final String SIGNAL_KILL = "KILL";
    /** SIGNAL: SIGCONT. */
    public static final String SIGNAL_CONT = "CONT";
    /** SIGNAL: none, only the checks (whether the daemon still holds the pidfile). */
    public static final String SIGNAL_PROBE = "0";

    /** Query answered, or signal sent. */
    public static final int CONTROL_OK = 0;
    /** Refused, with one line on stderr. */
    public static final int CONTROL_REFUSED = 1;
    /** The PID is gone or no longer holds the pidfile's lock. */
    public static final int CONTROL_GONE = 3;
    /** The kernel does not permit the signal. */
    public static final int CONTROL_DENIED = 4;
    /** take: this kernel cannot take a descriptor (no pidfd_getfd: Linux before 5.6). */
    public static final int CONTROL_UNSUPPORTED = 5;
    /** take: the daemon's fd 0 is no listening TCP socket. */
    public static final int CONTROL_NOT_LISTENING = 6;

    /** take's reply: this word, a space, then FAMILY ADDR PORT of the socket. */
    public static final String LISTENING = "listening";

    private HelperProtocol() {
    }

    /** A line of the helper's without its {@link #PREFIX}; any other line as it is. */
    public static String withoutPrefix(String line) {
        return line.startsWith(PREFIX) ? line.substring(PREFIX.length()) : line;
    }

    /**
     * Whether {@code line} (with or without the prefix) says that {@code what} (such as
     * {@link #FORK_FAILED}) failed with the error named {@code errno} (such as {@link #EAGAIN}).
     */
    public static boolean failedWith(String line, String what, String errno) {
        String text = withoutPrefix(line);
        return text.startsWith(what) && text.contains(ERRNO) && text.endsWith(" (" + errno + ")");
    }
}
