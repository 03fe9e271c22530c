package io.jdaemon.internal.helper;

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
 * Runs the helper's control mode ({@code --control}, control.h): who holds a pidfile's lock, as
 * the kernel says through {@code fcntl(F_GETLK)} in this PID namespace, and signals sent only to
 * a process that provably is the daemon, through a pidfd where the kernel has one. So the control
 * commands load no native library, and no process is signalled by the PID a file names alone.
 */
public final class HelperControl {

    /** How long one control call of the helper may take. */
    private static final long TIMEOUT_SECONDS = 10;

    /**
     * What the kernel says of a pidfile and its lock, read by the helper from one descriptor
     * opened with O_NOFOLLOW and O_NONBLOCK. Facts only: whether they prove a daemon is
     * {@code DaemonIdentity}'s decision.
     */
    public static final class Lock {
        private final String kind;
        private final long holder;
        private final long content;
        private final long links;
        private final long owner;

        Lock(String kind, long holder, long content, long links, long owner) {
            this.kind = kind;
            this.holder = holder;
            this.content = content;
            this.links = links;
            this.owner = owner;
        }

        /** Whether there is a file at the path. */
        public boolean exists() {
            return !kind.equals(HelperProtocol.LOCK_ABSENT);
        }

        /** Whether some process holds a write lock: a daemon, or an impostor. */
        public boolean writeLocked() {
            return kind.equals(HelperProtocol.LOCK_POSIX) || kind.equals(HelperProtocol.LOCK_OFD);
        }

        /** Whether an open file description lock, not a process's, holds the file. */
        public boolean ofdLocked() {
            return kind.equals(HelperProtocol.LOCK_OFD);
        }

        /** The holder of a POSIX write lock, in this PID namespace; 0 if unknown or none. */
        public long holder() {
            return kind.equals(HelperProtocol.LOCK_POSIX) ? holder : 0;
        }

        /** Whether a process holds a POSIX write lock (its PID may still be unknown here). */
        public boolean posixLocked() {
            return kind.equals(HelperProtocol.LOCK_POSIX);
        }

        /** The PID the file names; 0 if its content is not a PID. */
        public long content() {
            return content;
        }

        /** The file's hard-link count. */
        public long links() {
            return links;
        }

        /** The file's owner; -1 if there is no file. */
        public long owner() {
            return owner;
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
        Result r = run(HelperProtocol.QUERY, pidFile.toString());
        String[] f = r.out.trim().split(" ");
        if (r.exit != HelperProtocol.CONTROL_OK || f.length != HelperProtocol.QUERY_FIELDS) {
            throw new DaemonException(r.reason("cannot inspect pidfile " + pidFile),
                    ExitStatus.NOT_CONFIGURED);
        }
        try {
            return new Lock(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            throw new DaemonException("unexpected answer of the daemon helper: " + r.out.trim(),
                    ExitStatus.FAILED, e);
        }
    }

    /**
     * Sends {@code signal} (one of {@link HelperProtocol}'s {@code SIGNAL_} names) to {@code pid}
     * if it still is the daemon behind the pidfile (the helper checks again, after pinning the
     * process), and, if {@code startTicks} is not negative, still the process that started then.
     *
     * @return SENT, GONE if it no longer holds the pidfile, DENIED if not permitted
     * @throws DaemonException if the pidfile's lock does not prove it is the daemon
     */
    public static Sent signal(Path pidFile, long pid, String signal, long startTicks) {
        Result r = startTicks < 0
                ? run(HelperProtocol.SIGNAL, pidFile.toString(), Long.toString(pid), signal)
                : run(HelperProtocol.SIGNAL, pidFile.toString(), Long.toString(pid), signal,
                        Long.toString(startTicks));
        switch (r.exit) {
            case HelperProtocol.CONTROL_OK:
                return Sent.SENT;
            case HelperProtocol.CONTROL_GONE:
                return Sent.GONE;
            case HelperProtocol.CONTROL_DENIED:
                return Sent.DENIED;
            default:
                throw new DaemonException(r.reason("cannot signal pid " + pid), ExitStatus.FAILED);
        }
    }

    /**
     * Whether the listening socket at fd 0 of {@code pid}, the daemon behind {@code pidFile}
     * with start time {@code startTicks}, can be taken over (the helper proves it holds the
     * pidfile, pinned by a pidfd, and takes a copy with {@code pidfd_getfd}, which it closes
     * again): the socket's address ({@code inet 127.0.0.1 8080}), or why not.
     */
    public static Taken take(Path pidFile, long pid, long startTicks) {
        Result r = run(HelperProtocol.TAKE, pidFile.toString(), Long.toString(pid), Long.toString(startTicks));
        String out = r.out.strip();
        if (r.exit == HelperProtocol.CONTROL_OK && out.startsWith(HelperProtocol.LISTENING + " ")) {
            return new Taken(out.substring(HelperProtocol.LISTENING.length() + 1), null);
        }
        return new Taken(null, r.reason("cannot take the listening socket of pid " + pid));
    }

    /** What {@link #take} found: the socket's address, or (address null) why it cannot. */
    public record Taken(String address, String reason) {
        /** Whether the socket can be taken over. */
        public boolean possible() {
            return address != null;
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
            return HelperProtocol.withoutPrefix(line);
        }
    }

    private static Result run(String... args) {
        List<String> argv = new ArrayList<>(args.length + 2);
        argv.add(HelperBinary.locate().toString());
        argv.add(HelperProtocol.CONTROL);
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
