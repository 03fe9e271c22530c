package io.jdaemon.internal.os;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code /proc} says of processes (alive, start time, state, uids, limits, PID namespace),
 * and bounded waits on them; ProcessHandle where there is no /proc.
 */
public final class Processes {

    private static volatile long selfPid;
    private static volatile String pidNamespace;

    private Processes() {
    }

    /**
     * This process's PID, from the {@code /proc/self} link where there is one (not ProcessHandle:
     * start-up rule, see StartupRulesIT); read once, since a JVM never forks.
     */
    public static long selfPid() {
        long pid = selfPid;
        if (pid == 0) {
            try {
                // java.io's realpath (start-up rule: see StartupRulesIT).
                pid = Decimal.parse(new File("/proc/self").getCanonicalFile().getName());
            } catch (IOException e) {
                // no /proc
            }
            selfPid = pid = pid > 0 ? pid : ProcessHandle.current().pid();
        }
        return pid;
    }

    /**
     * This process's PID namespace as the kernel names it ({@code pid:[INODE]}, the link
     * {@code /proc/self/ns/pid}), or "" where it cannot be read; read once.
     */
    public static String pidNamespace() {
        String ns = pidNamespace;
        if (ns == null) {
            try {
                ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            } catch (IOException | RuntimeException e) {
                ns = "";
            }
            pidNamespace = ns;
        }
        return ns;
    }

    /**
     * {@code "now N"}, N the soft limit named {@code what} in /proc/self/limits (e.g. "Max open
     * files"), or a hint where there is none.
     */
    public static String limit(String what) {
        // java.io, no regex (start-up rule: see StartupRulesIT).
        try (FileInputStream in = new FileInputStream("/proc/self/limits")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(what)) {
                    String rest = line.substring(what.length()).trim();
                    int end = 0;
                    while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
                        end++;
                    }
                    return "now " + rest.substring(0, end);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc
        }
        return "see ulimit -a";
    }

    /**
     * This process's descriptors that are sockets, each with its socket's inode (as
     * {@code /proc/self/fd/N} names it: {@code socket:[INODE]}); empty where there is no /proc.
     */
    public static Map<Integer, String> ownSockets() {
        Map<Integer, String> sockets = new HashMap<>();
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            return sockets;
        }
        for (String fd : fds) {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    sockets.put(Integer.valueOf(fd), target.substring(8, target.length() - 1));
                }
            } catch (IOException | NumberFormatException e) {
                // closed meanwhile (the listing's own descriptor)
            }
        }
        return sockets;
    }

    /** Whether /proc is mounted here. */
    public static boolean hasProc() {
        return Files.isDirectory(Path.of("/proc/self"));
    }

    /** Waits until the process has exited, up to {@code timeout}; whether it has. */
    public static boolean awaitExit(long pid, Duration timeout) {
        return await(new Condition() {
            @Override
            public boolean holds() {
                return !isAlive(pid);
            }
        }, timeout, 10);
    }

    /** A condition {@link #await} polls. */
    public interface Condition {
        boolean holds();
    }

    /** Polls {@code condition} every {@code millis} until it holds or {@code timeout} passed. */
    public static boolean await(Condition condition, Duration timeout, long millis) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.holds();
            }
        }
        return true;
    }

    /**
     * Whether the process exists and has not finished exiting. A zombie waiting to be reaped has
     * finished; but the thread-group leader shows as a zombie while the other threads are still
     * exiting (and still hold the process's files and locks), so that counts as alive.
     */
    public static boolean isAlive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!hasProc()) {
            // No /proc (macOS, or not mounted): the JDK's own view, which needs no native library.
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            String s;
            // FileInputStream (start-up rule: see StartupRulesIT).
            try (FileInputStream in = new FileInputStream(stat.toFile())) {
                s = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (FileNotFoundException e) {
                if (!stat.getParent().toFile().exists()) {
                    return false; // no such process
                }
                throw e; // there but unreadable (hidepid): ask ProcessHandle below
            }
            // Field 3, the state, follows the command name in parentheses, which may hold spaces.
            int close = s.lastIndexOf(')');
            char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
            if (state != 'Z' && state != 'X') {
                return true;
            }
            try (Stream<Path> tasks = Files.list(stat.resolveSibling("task"))) {
                return tasks.limit(2).count() > 1;
            }
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * Field 22 of {@code /proc/PID/stat}, the process's start time in clock ticks since boot:
     * with the PID, what names one process for good (a PID reused later has a later start); -1
     * if there is no such process or no /proc.
     */
    public static long startTicks(long pid) {
        String[] fields = statFields(pid);
        if (fields == null) {
            return -1;
        }
        try {
            return Long.parseLong(fields[19]); // "fields" starts at field 3
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Field 3 of {@code /proc/PID/stat}, the process's state ({@code R}, {@code S}, {@code T}
     * when stopped by a signal, ...); '?' if there is no such process or no /proc.
     */
    public static char state(long pid) {
        String[] fields = statFields(pid);
        return fields == null || fields[0].isEmpty() ? '?' : fields[0].charAt(0);
    }

    /** The fields of /proc/PID/stat after the command name, from field 3 on; null if none. */
    private static String[] statFields(long pid) {
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            String s = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int close = s.lastIndexOf(')');
            if (close < 0 || close + 2 > s.length()) {
                return null;
            }
            String[] fields = s.substring(close + 2).trim().split(" ");
            return fields.length > 19 ? fields : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The real and effective user ids of a process, from the {@code Uid:} line of
     * {@code /proc/PID/status}; null if there is no such process or no /proc.
     */
    public static long[] uids(long pid) {
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/status")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length >= 2 ? new long[] {Long.parseLong(ids[0]), Long.parseLong(ids[1])}
                            : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or no /proc
        }
        return null;
    }
}
