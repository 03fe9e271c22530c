package io.jdaemon.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * The second proof, after the pidfile's lock, that a process is the daemon behind a pidfile: its
 * command line carries the marker the launcher adds ({@code -Djdaemon.launcher=}), or, for a
 * service that stays in the foreground under a supervisor (no marker), it started before its
 * pidfile was written, as the process that wrote it must have. Read from {@code /proc}; where
 * there is none, or it shows another PID namespace than this process's, the lock (which the
 * helper checks in this namespace) is the only proof.
 */
final class DaemonIdentity {

    /** Clock ticks per second of /proc/PID/stat's start time (USER_HZ, 100 on every Linux). */
    private static final long TICKS_PER_SECOND = 100;

    private DaemonIdentity() {
    }

    /** Why {@code pid} is not the daemon that wrote {@code pidFile}, or null if it may be. */
    static String notTheDaemon(Path pidFile, long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (!procIsOurs() || !Files.isDirectory(proc)) {
            return null;
        }
        try {
            byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
            if (hasMarker(cmdline)) {
                return null;
            }
            long started = startSeconds(pid);
            FileTime written = Files.getLastModifiedTime(pidFile, LinkOption.NOFOLLOW_LINKS);
            if (started <= written.toMillis() / 1000 + 1) {
                return null;
            }
            return "pid " + pid + " holds pidfile " + pidFile + " but started after it was written "
                    + "and is not a daemon started by this library";
        } catch (IOException | RuntimeException e) {
            return null; // exited meanwhile, or unreadable: the lock stays the proof
        }
    }

    /** Whether the NUL-separated argument list has {@code -Djdaemon.launcher=...}. */
    static boolean hasMarker(byte[] cmdline) {
        byte[] marker = ("-D" + Readiness.MARKER + "=").getBytes(StandardCharsets.US_ASCII);
        int start = 0;
        for (int i = 0; i <= cmdline.length; i++) {
            if (i == cmdline.length || cmdline[i] == 0) {
                if (i - start >= marker.length && regionMatches(cmdline, start, marker)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean regionMatches(byte[] bytes, int from, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (bytes[from + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** The process's start, in seconds since the epoch: boot time plus field 22 of its stat. */
    private static long startSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(after[19]); // field 22; "after" starts at field 3
        long boot = 0;
        for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("btime ")) {
                boot = Long.parseLong(line.substring(6).trim());
            }
        }
        return boot + ticks / TICKS_PER_SECOND;
    }

    /** Whether /proc shows this process's own PID namespace. */
    private static boolean procIsOurs() {
        return ProcStat.selfPid() == ProcessHandle.current().pid();
    }
}
