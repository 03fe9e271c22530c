package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The helper's control mode ({@code jdaemon-helper --control}): who holds a pidfile's lock, as the
 * kernel says through {@code fcntl(F_GETLK)} in this PID namespace, and signals sent only to a
 * process that provably is the daemon, through a pidfd where the kernel has one. So the control
 * commands load no native library into the JVM and never signal a process by the PID a file
 * names alone.
 */
final class HelperControl {

    /** How long one control call of the helper may take. */
    private static final long TIMEOUT_SECONDS = 10;
    private static final String PREFIX = "jdaemon-helper: ";

    /** What the kernel says of a pidfile's lock. */
    public static final class Lock {
        private final String kind;
        private final long holder;
        private final long content;
        private final long links;

        Lock(String kind, long holder, long content, long links) {
            this.kind = kind;
            this.holder = holder;
            this.content = content;
            this.links = links;
        }

        /** Whether some process holds a write lock: a daemon, or an impostor. */
        public boolean writeLocked() {
            return kind.equals("posix") || kind.equals("ofd");
        }

        /** The holder of a POSIX write lock, in this PID namespace; 0 if unknown or none. */
        public long holder() {
            return kind.equals("posix") ? holder : 0;
        }

        /**
         * Why this lock does not prove that its holder is the daemon behind {@code pidFile}, or
         * null if it does: a POSIX write lock held by a process visible here, which the file
         * names, on a regular file with one link.
         */
        public String problem(Path pidFile) {
            if (kind.equals("ofd")) {
                return "pidfile " + pidFile + " is locked by an open file description lock, not by "
                        + "a daemon's process";
            }
            if (!kind.equals("posix")) {
                return "pidfile " + pidFile + " is not locked by a running daemon";
            }
            if (holder == 0) {
                return "pidfile " + pidFile + " is locked by a process outside this PID namespace; "
                        + "run this command where the daemon runs";
            }
            if (content != holder) {
                return "pidfile " + pidFile + " is locked by pid " + holder + " but names "
                        + (content > 0 ? "pid " + content : "no PID");
            }
            if (links != 1) {
                return "pidfile " + pidFile + " has " + links + " hard links; a daemon's pidfile "
                        + "has one";
            }
            return null;
        }
    }

    /** Outcomes of {@link #signal}. */
    public enum Sent { SENT, GONE, DENIED }

    private HelperControl() {
    }

    /**
     * The lock state of a pidfile.
     *
     * @throws DaemonException if it cannot be read
     */
    public static Lock query(Path pidFile) {
        Result r = run("query", pidFile.toString());
        String[] f = r.out.trim().split(" ");
        if (r.exit != 0 || f.length != 4) {
            throw new DaemonException(r.reason("cannot inspect pidfile " + pidFile),
                    ExitStatus.NOT_CONFIGURED);
        }
        try {
            return new Lock(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        } catch (NumberFormatException e) {
            throw new DaemonException("unexpected answer of the daemon helper: " + r.out.trim(),
                    ExitStatus.FAILED, e);
        }
    }

    /**
     * Sends {@code signal} (HUP, TERM, KILL or 0) to {@code pid} if it still is the daemon behind
     * the pidfile (the helper checks again, after pinning the process).
     *
     * @return SENT, GONE if it no longer holds the pidfile, DENIED if not permitted
     * @throws DaemonException if the pidfile's lock does not prove it is the daemon
     */
    public static Sent signal(Path pidFile, long pid, String signal) {
        Result r = run("signal", pidFile.toString(), Long.toString(pid), signal);
        switch (r.exit) {
            case 0:
                return Sent.SENT;
            case 3:
                return Sent.GONE;
            case 4:
                return Sent.DENIED;
            default:
                throw new DaemonException(r.reason("cannot signal pid " + pid), ExitStatus.FAILED);
        }
    }

    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        /** The helper's own line without its prefix, or {@code fallback}. */
        String reason(String fallback) {
            String line = err.strip();
            if (line.isEmpty()) {
                return fallback + " (the daemon helper exited with status " + exit + ")";
            }
            return line.startsWith(PREFIX) ? line.substring(PREFIX.length()) : line;
        }
    }

    private static Result run(String... args) {
        List<String> argv = new ArrayList<>(args.length + 2);
        argv.add(HelperBinary.locate().toString());
        argv.add("--control");
        argv.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw HelperBinary.cannotExecute(Path.of(argv.get(0)), e.getMessage() + "; set -D"
                    + HelperBinary.HELPER_PROPERTY + "=PATH to an executable helper", e);
        }
        try (InputStream out = process.getInputStream(); InputStream err = process.getErrorStream()) {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DaemonException("the daemon helper did not answer within "
                        + TIMEOUT_SECONDS + " s (" + String.join(" ", args) + ")", ExitStatus.FAILED);
            }
            // It has exited: what it wrote is in the pipes, small, and readable without blocking.
            return new Result(process.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                    new String(err.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DaemonException("cannot read the daemon helper's answer: " + e, ExitStatus.FAILED, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new DaemonException("interrupted while the daemon helper ran", ExitStatus.FAILED, e);
        }
    }
}
