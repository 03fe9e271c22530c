package io.jdaemon.internal.daemon;

import io.jdaemon.internal.os.Processes;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a reload is confirmed: the daemon's reload thread publishes its progress in its own name,
 * which the kernel shows to everyone in {@code /proc/PID/task/TID/comm}, and
 * {@code --daemon=reload} reads it back. No file, no socket: nothing the daemon's user writes can
 * make the reading side block or act on a path, and a forged name can only misreport that user's
 * own daemon.
 *
 * <p>The name is {@code jdr-RRRR-CCCC-S} (15 characters, the kernel's limit): {@code R} the
 * number of reload requests (SIGHUPs) the latest reload run covers, set when it begins;
 * {@code C} those covered by the latest run that ended; both base 36 modulo 36^4; {@code S}
 * that run's result: {@code k} all done, {@code f} the log could not be reopened, {@code c} a
 * callback threw. A command that read {@code R0} before it sent SIGHUP knows the log was reopened
 * after it began once {@code C} is past {@code R0}: that run began after the read.
 */
public final class ReloadState {

    private static final String PREFIX = "jdr-";
    private static final int MODULUS = 36 * 36 * 36 * 36;

    /** The reload thread's name before any reload. */
    static final String INITIAL = name(0, 0, 'k');

    /** A run's result. */
    public enum Result { DONE, LOG_NOT_REOPENED, CALLBACK_FAILED }

    /** What one reading of the name says. */
    public record State(int requested, int completed, Result result) {
        /** Whether a run that began after {@code before} was read has ended. */
        boolean completedAfter(State before) {
            int distance = Math.floorMod(completed - before.requested - 1, MODULUS);
            return distance < MODULUS / 2;
        }
    }

    private ReloadState() {
    }

    /** The thread name for these counts (taken modulo 36^4) and result. */
    static String name(long requested, long completed, char result) {
        return PREFIX + base36((int) Math.floorMod(requested, (long) MODULUS)) + "-"
                + base36((int) Math.floorMod(completed, (long) MODULUS)) + "-" + result;
    }

    static char code(Result result) {
        switch (result) {
            case LOG_NOT_REOPENED:
                return 'f';
            case CALLBACK_FAILED:
                return 'c';
            default:
                return 'k';
        }
    }

    /** The state a thread name says, or null if it is no reload thread's name. */
    static State parse(String name) {
        if (name.length() != 15 || !name.startsWith(PREFIX) || name.charAt(8) != '-'
                || name.charAt(13) != '-') {
            return null;
        }
        int requested = number(name.substring(4, 8));
        int completed = number(name.substring(9, 13));
        Result result;
        switch (name.charAt(14)) {
            case 'k':
                result = Result.DONE;
                break;
            case 'f':
                result = Result.LOG_NOT_REOPENED;
                break;
            case 'c':
                result = Result.CALLBACK_FAILED;
                break;
            default:
                return null;
        }
        return requested < 0 || completed < 0 ? null : new State(requested, completed, result);
    }

    /**
     * The reload state of process {@code pid}, from its threads' names; null if it shows none
     * (no reload thread: another policy, or an older library), or more than one.
     */
    public static State of(long pid) {
        String[] tasks = new File("/proc/" + pid + "/task").list();
        if (tasks == null) {
            return null;
        }
        State found = null;
        for (String task : tasks) {
            // procfs: a read of comm never blocks; 64 bytes bound it.
            try (InputStream in = new FileInputStream("/proc/" + pid + "/task/" + task + "/comm")) {
                String name = new String(in.readNBytes(64), StandardCharsets.UTF_8).strip();
                State state = parse(name);
                if (state != null) {
                    if (found != null) {
                        return null;
                    }
                    found = state;
                }
            } catch (IOException e) {
                // the thread ended meanwhile
            }
        }
        return found;
    }

    /**
     * Waits, polling every 10 ms, until process {@code pid} has ended a reload run that began
     * after {@code before} was read; bounded by {@code timeout}.
     *
     * @return the state then, or null if none came in time (or the process is gone)
     */
    public static State awaitAfter(long pid, State before, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            State now = of(pid);
            if (now != null && now.completedAfter(before)) {
                return now;
            }
            if (System.nanoTime() - deadline > 0 || !Processes.isAlive(pid)) {
                return null;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String base36(int n) {
        String digits = Integer.toString(n, 36);
        return "0000".substring(digits.length()) + digits;
    }

    private static int number(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            int d = Character.digit(text.charAt(i), 36);
            if (d < 0 || Character.isUpperCase(text.charAt(i))) {
                return -1;
            }
            n = n * 36 + d;
        }
        return n;
    }
}
