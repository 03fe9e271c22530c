package io.jdaemon.internal.helper;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.Capabilities;
import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.UserAccount;
import io.jdaemon.internal.pidfile.DaemonIdentity;
import io.jdaemon.internal.pidfile.PidFile;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything about running the native helper (which {@link HelperBinary} locates): its argument
 * lists, starting it with {@code ProcessBuilder}, reading what it prints (its {@code pid N} line,
 * its {@code jdaemon-helper: } errors) and its exit status, and turning them into results or one
 * line for the operator.
 *
 * <p>Two modes. {@link #detach}: fork, setsid, fork and execute the JVM's command line as the
 * daemon. {@link #query} and {@link #signal}, the control mode ({@code --control}): who holds a
 * pidfile's lock, as the kernel says through {@code fcntl(F_GETLK)} in this PID namespace, and
 * signals sent only to a process that provably is the daemon, through a pidfd where the kernel
 * has one. So neither the launcher nor the control commands load a native library into the JVM,
 * and no process is signalled by the PID a file names alone.
 */
public final class HelperProcess {

    /** How long one control call of the helper may take. */
    private static final long TIMEOUT_SECONDS = 10;
    private static final String PREFIX = "jdaemon-helper: ";

    /**
     * What the kernel says of a pidfile and its lock, read by the helper from one descriptor
     * opened with O_NOFOLLOW and O_NONBLOCK. Facts only: whether they prove a daemon is
     * {@link DaemonIdentity}'s decision.
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

        /** absent, none, posix, ofd or read (see control.h). */
        public String kind() {
            return kind;
        }

        /** Whether there is a file at the path. */
        public boolean exists() {
            return !kind.equals("absent");
        }

        /** Whether some process holds a write lock: a daemon, or an impostor. */
        public boolean writeLocked() {
            return kind.equals("posix") || kind.equals("ofd");
        }

        /** The holder of a POSIX write lock, in this PID namespace; 0 if unknown or none. */
        public long holder() {
            return kind.equals("posix") ? holder : 0;
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

    private HelperProcess() {
    }

    /** The line for a thread or process that could not be created for the process limit. */
    public static DaemonException processLimit(Throwable cause) {
        String pidsMax = cgroupPidsMax();
        return new DaemonException("cannot create a thread or process: this user's process limit "
                + "(ulimit -u, " + Processes.limit("Max processes") + ")"
                + (pidsMax == null ? "" : " or this cgroup's (" + pidsMax + ")") + " is reached; raise it "
                + "or end some of this user's processes", ExitStatus.FAILED, cause);
    }

    /**
     * This process's cgroup's task limit, {@code pids.max N in FILE}, or null where there is
     * none (no pids controller, or {@code max}).
     */
    static String cgroupPidsMax() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                Path file = null;
                if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
                    file = Path.of("/sys/fs/cgroup" + f[2], "pids.max"); // cgroup v2
                } else if (f.length == 3 && List.of(f[1].split(",")).contains("pids")) {
                    file = Path.of("/sys/fs/cgroup/pids" + f[2], "pids.max"); // v1
                }
                if (file != null && Files.isRegularFile(file)) {
                    String value = Files.readString(file).strip();
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                        return "pids.max " + value + " in " + file.getParent();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup to name
        }
        return null;
    }

    /**
     * Runs the helper to detach a daemon running {@code jvm}, with the options' log, working
     * directory, umask and SIGHUP policy, as {@code account} (null: this user), and returns the
     * daemon's PID once the daemon's JVM has been executed. Bounded by {@code deadline}: a helper
     * still running then (blocked opening the log, say) is killed, and so is the daemon if its
     * PID was announced.
     */
    public static long detach(Path helper, DaemonOptions options, UserAccount account, List<String> jvm,
            long deadline) throws IOException {
        return detach(helper, options, account, jvm, deadline, null);
    }

    /**
     * As {@link #detach(Path, DaemonOptions, UserAccount, List, long)}; with {@code listenFrom}
     * ({@code PID:START:PIDFILE}, not null) the daemon's fd 0 is the listening socket the helper
     * takes from that running daemon (see {@link #take}).
     */
    public static long detach(Path helper, DaemonOptions options, UserAccount account, List<String> jvm,
            long deadline, String listenFrom) throws IOException {
        List<String> argv = new ArrayList<>(jvm.size() + 24);
        argv.add(helper.toString());
        argv.add("--log");
        argv.add(options.logFile().toString());
        argv.add("--workdir");
        argv.add(options.workDir().toString());
        argv.add("--umask");
        argv.add(Integer.toOctalString(options.umask()));
        argv.add("--sighup");
        argv.add(helperSighup(options.sighup()));
        if (account != null) {
            // The helper switches in its first process, before it opens the log (see credentials.c).
            Collections.addAll(argv, "--uid", Long.toString(account.uid()), "--gid",
                    Long.toString(account.gid()), "--groups", join(account.groups()), "--home",
                    account.home(), "--user-name", account.name(), "--shell", account.shell());
            List<Long> caps = new ArrayList<>();
            for (String cap : options.keepCaps()) {
                caps.add((long) Capabilities.number(cap));
            }
            if (!caps.isEmpty()) {
                Collections.addAll(argv, "--caps", join(caps));
            }
        }
        if (listenFrom != null) {
            // With the launcher's rights, before the switch: root takes any daemon's socket.
            Collections.addAll(argv, "--listen-from", listenFrom);
        }
        argv.add("--launcher-pid");
        argv.add(Long.toString(Processes.selfPid()));
        argv.add("--");
        argv.addAll(jvm);
        if (!Files.isExecutable(helper)) {
            // access(X_OK) also fails on a noexec mount, where the execute bit is set.
            throw cannotExecute(helper, "permission denied, so its directory is "
                    + "probably on a noexec mount; set -D" + HelperBinary.CACHE_PROPERTY
                    + "=DIR to another directory or -D" + HelperBinary.HELPER_PROPERTY
                    + "=PATH to an executable helper", null);
        }
        Process helperProcess;
        try {
            helperProcess = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw cannotRun(helper, argv, e);
        }
        // The helper's output ends when the daemon's exec succeeded or failed: the pipe's last
        // copy is close-on-exec in the daemon.
        HelperOutput reader = new HelperOutput(helperProcess.getInputStream());
        reader.start();
        String output = reader.await(deadline);
        if (output == null) {
            helperProcess.destroyForcibly();
            long announced = announcedPid(reader.soFar());
            if (announced > 0) {
                ProcessHandle.of(announced).ifPresent(daemon -> killDaemon(daemon, options.pidFile()));
            }
            throw new DaemonException("the daemon helper did not finish within "
                    + options.startTimeout().toSeconds() + " s and was killed (is --log="
                    + options.logFile() + " a FIFO, or on a file system that does not answer?); "
                    + "fix that or raise --start-timeout", ExitStatus.FAILED);
        }
        int status = waitFor(helperProcess, deadline);
        long pid = 0;
        List<String> problems = new ArrayList<>();
        for (String line : output.split("\n")) {
            long announced = line.startsWith("pid ") ? Decimal.parse(line.substring(4)) : 0;
            if (pid == 0 && announced > 0) {
                pid = announced;
            } else if (!line.isBlank()) {
                problems.add(line.startsWith(PREFIX)
                        ? line.substring(PREFIX.length()) : line);
            }
        }
        if (status != 0 || pid == 0 || !problems.isEmpty()) {
            String reason = problems.isEmpty() ? "the helper exited with status " + status
                    : String.join("; ", problems);
            if (reason.contains("cannot fork") && reason.contains("EAGAIN")
                    || reason.contains("cannot fork: Resource temporarily unavailable")) {
                throw processLimit(null);
            }
            if (reason.contains("Argument list too long")) {
                throw tooLong(jvm, null); // the helper's exec of the JVM (E2BIG)
            }
            throw new DaemonException("cannot start: " + reason, status == 3 && pid == 0
                    ? ExitStatus.UNSUPPORTED // credentials.h: CREDENTIALS_UNSUPPORTED
                    : status == 1 && pid == 0 ? ExitStatus.NOT_CONFIGURED : ExitStatus.FAILED);
        }
        return pid;
    }

    /** The first "pid N" line of the helper's output, or 0. */
    private static long announcedPid(String output) {
        for (String line : output.split("\n")) {
            long pid = line.startsWith("pid ") ? Decimal.parse(line.substring(4)) : 0;
            if (pid > 0) {
                return pid;
            }
        }
        return 0;
    }

    /**
     * Why the helper could not be started, in one line: the cause where it is the system's (the
     * open-files or process limit), else the helper named with the override to set.
     */
    private static DaemonException cannotRun(Path helper, List<String> argv, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("error=24") || message.contains("Too many open files")) {
            return new DaemonException("cannot start the daemon helper: too many open files (the "
                    + "open-files limit, ulimit -n, is " + Processes.limit("Max open files") + "); raise it",
                    ExitStatus.FAILED, e);
        }
        if (message.contains("error=11") || message.contains("Resource temporarily unavailable")) {
            return processLimit(e);
        }
        if (message.contains("error=7,") || message.contains("Argument list too long")) {
            return tooLong(argv, e);
        }
        return cannotExecute(helper, message + "; set -D" + HelperBinary.HELPER_PROPERTY
                + "=PATH to an executable helper", e);
    }

    /**
     * The line for a command line the kernel refused as too long (E2BIG): the JVM's options are
     * in an argument file, so what is left is the service's arguments and the environment.
     */
    public static DaemonException tooLong(List<String> argv, Throwable cause) {
        long args = 0;
        long longest = 0;
        for (String arg : argv) {
            long bytes = arg.getBytes(StandardCharsets.UTF_8).length + 1L;
            args += bytes;
            longest = Math.max(longest, bytes);
        }
        long env = 0;
        for (java.util.Map.Entry<String, String> e : System.getenv().entrySet()) {
            env += (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8).length + 1L;
        }
        return new DaemonException("cannot start the daemon: its command line is too long for the "
                + "kernel (E2BIG: " + args + " bytes of arguments, the longest " + longest + ", and "
                + env + " bytes of environment; Linux allows 131072 bytes per argument and a quarter "
                + "of the stack limit, ulimit -s, for all together); put long values in an argument "
                + "file (java @FILE) or shorten the environment", ExitStatus.FAILED, cause);
    }

    /** Reads the helper's output to its end on a thread of its own, so it can be waited for with a deadline. */
    private static final class HelperOutput extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean done;

        HelperOutput(InputStream in) {
            super("jdaemon-helper-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (InputStream stream = in) {
                for (int n; (n = stream.read(buffer)) > 0; ) {
                    synchronized (this) {
                        bytes.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the helper was killed: what was read so far stands
            } finally {
                synchronized (this) {
                    done = true;
                    notifyAll();
                }
            }
        }

        /** Everything, once the output has ended; null if {@code deadline} passed first. */
        synchronized String await(long deadline) {
            boolean interrupted = false;
            try {
                while (!done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    try {
                        wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                return soFar();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        synchronized String soFar() {
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The helper's SIGHUP disposition: under {@code default} a HUP ignored by the launcher (nohup)
     * stays ignored; {@code reload} needs it at its default so the JVM can handle it.
     */
    private static String helperSighup(DaemonOptions.Sighup policy) {
        switch (policy) {
            case IGNORE:
                return "ignore";
            case RELOAD:
                return "default";
            default:
                return "inherit";
        }
    }

    private static String join(List<Long> ids) {
        StringBuilder out = new StringBuilder();
        for (long id : ids) {
            out.append(out.length() == 0 ? "" : ",").append(id);
        }
        return out.toString();
    }

    /** The helper's exit status; it exits right after its output ends, but bounded anyway. */
    private static int waitFor(Process process, long deadline) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    long left = Math.max(deadline - System.nanoTime(), 1_000_000_000L);
                    if (process.waitFor(left, TimeUnit.NANOSECONDS)) {
                        return process.exitValue();
                    }
                    process.destroyForcibly();
                    return -1;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The one line for a helper that cannot be executed here: its path, this platform's
     * {@code os.name} and {@code os.arch}, and {@code why} (with the fix).
     */
    private static DaemonException cannotExecute(Path helper, String why, Throwable cause) {
        return new DaemonException("cannot execute the daemon helper " + helper + " (os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                + "): " + why, ExitStatus.NOT_INSTALLED, cause);
    }

    /**
     * Kills a daemon this launcher started that was not ready in time, and removes the pidfile
     * ({@code pidFile}, if not null) it may have written. {@code daemon} was taken when the
     * helper announced the PID: the JDK checks the process's start time before it signals, so
     * a PID that the daemon, dead meanwhile, left to another process is not signalled.
     */
    public static void killDaemon(ProcessHandle daemon, Path pidFile) {
        daemon.destroyForcibly();
        Processes.awaitExit(daemon.pid(), Duration.ofSeconds(2));
        if (pidFile != null) {
            try {
                PidFile.removeStale(pidFile);
            } catch (PidFile.HeldException e) {
                // another daemon holds it now (the one a successor was to replace): its file stays
            }
            try {
                // a successor's file, not yet in place (see PidFile.acquireAside)
                Files.deleteIfExists(PidFile.aside(pidFile, daemon.pid()));
            } catch (IOException e) {
                // left for the next start of that PID to remove
            }
        }
    }

    /**
     * The lock state of a pidfile.
     *
     * @throws DaemonException if it cannot be read
     */
    public static Lock query(Path pidFile) {
        Result r = run("query", pidFile.toString());
        String[] f = r.out.trim().split(" ");
        if (r.exit != 0 || f.length != 5) {
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
     * Sends {@code signal} (HUP, TERM, KILL, CONT or 0) to {@code pid} if it still is the daemon
     * behind the pidfile (the helper checks again, after pinning the process), and, if
     * {@code startTicks} is not negative, still the process that started then.
     *
     * @return SENT, GONE if it no longer holds the pidfile, DENIED if not permitted
     * @throws DaemonException if the pidfile's lock does not prove it is the daemon
     */
    public static Sent signal(Path pidFile, long pid, String signal, long startTicks) {
        Result r = startTicks < 0 ? run("signal", pidFile.toString(), Long.toString(pid), signal)
                : run("signal", pidFile.toString(), Long.toString(pid), signal, Long.toString(startTicks));
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
            throw cannotExecute(Path.of(argv.get(0)), e.getMessage() + "; set -D"
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
