package io.jdaemon.internal.helper;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.listen.ListenerArgs;
import io.jdaemon.internal.os.Capabilities;
import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.UserAccount;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the helper's detach mode, which forks, calls setsid, forks again and executes the JVM's
 * command line as the daemon: its argument list, starting it with {@code ProcessBuilder}, reading
 * what it prints (its {@code pid N} line, its {@code jdaemon-helper: } errors) and its exit status
 * ({@link HelperProtocol}), and turning them into the daemon's PID or one line for the operator.
 * So the launcher loads no native library into its JVM.
 */
public final class HelperProcess {

    private HelperProcess() {
    }

    /**
     * A daemon detached: its PID, and the helper's output while it watches the daemon's start
     * (null if the helper cannot watch: the launcher then polls), to be closed when done.
     */
    public record Detached(long pid, HelperOutput watch) {
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
     * still running then (blocked opening the log, say) is killed, and {@code daemon} set to the
     * daemon if the helper had announced its PID: the caller kills it.
     */
    public static long detach(Path helper, DaemonOptions options, UserAccount account, List<String> jvm,
            long deadline, AtomicReference<ProcessHandle> daemon) throws IOException {
        return detach(helper, options, account, jvm, deadline, daemon, null, null).pid();
    }

    /**
     * As {@link #detach(Path, DaemonOptions, UserAccount, List, long, AtomicReference)}; with
     * {@code listenFrom} ({@code PID:START:PIDFILE}, or null) the daemon's fd 0 is the listening
     * socket the helper takes from that running daemon (see {@link HelperControl#take}), not
     * one of {@code --listen}; with {@code watch} (the handshake directory, or null) the helper
     * stays until the daemon's start is over and wakes the launcher through the returned
     * {@link Detached#watch}.
     */
    public static Detached detach(Path helper, DaemonOptions options, UserAccount account,
            List<String> jvm, long deadline, AtomicReference<ProcessHandle> daemon, String listenFrom,
            String watch) throws IOException {
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
        argv.add("--launcher-pid");
        argv.add(Long.toString(Processes.selfPid()));
        // A successor's socket is the running daemon's, taken with the launcher's rights before
        // the switch (root takes any daemon's); no other.
        ListenerArgs listen = listenFrom != null ? null
                : ListenerArgs.of(options.listen(), System.getenv(), Processes.selfPid());
        argv.addAll(listen != null ? listen.helperArgs() : List.of("--listen-from", listenFrom));
        if (watch != null) {
            argv.add("--watch"); // the helper wakes us while the daemon starts
            argv.add(watch);
        }
        argv.add("--");
        argv.addAll(jvm);
        if (!Files.isExecutable(helper)) {
            // access(X_OK) also fails on a noexec mount, where the execute bit is set.
            throw HelperBinary.cannotExecute(helper, "permission denied, so its directory is "
                    + "probably on a noexec mount; set -D" + HelperBinary.CACHE_PROPERTY
                    + "=DIR to another directory or -D" + HelperBinary.HELPER_PROPERTY
                    + "=PATH to an executable helper", null);
        }
        Process helperProcess;
        try {
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectInput(listen != null ? listen.stdin()
                            : ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true);
            if (listen != null) {
                listen.environment(builder.environment());
            }
            helperProcess = builder.start();
        } catch (IOException e) {
            throw cannotRun(helper, argv, e);
        }
        // The detach's output is over when the daemon's exec succeeded or failed: the output
        // ends (the pipe's last copy is close-on-exec in the daemon), or, with --watch, the
        // helper says "watching" and stays until the daemon's start is over.
        HelperOutput reader = new HelperOutput(helperProcess);
        reader.start();
        String output = reader.awaitDetach(deadline);
        if (output == null) {
            helperProcess.destroyForcibly();
            long announced = announcedPid(reader.soFar());
            if (announced > 0) {
                daemon.set(ProcessHandle.of(announced).orElse(null));
            }
            throw new DaemonException("the daemon helper did not finish within "
                    + options.startTimeout().toSeconds() + " s and was killed (is --log="
                    + options.logFile() + " a FIFO, or on a file system that does not answer?); "
                    + "fix that or raise --start-timeout", ExitStatus.FAILED);
        }
        boolean watching = reader.watching();
        int status = watching ? HelperProtocol.EXIT_OK : waitFor(helperProcess, deadline);
        long pid = 0;
        List<String> problems = new ArrayList<>();
        for (String line : output.split("\n")) {
            long announced = pidIn(line);
            if (pid == 0 && announced > 0) {
                pid = announced;
            } else if (!line.isBlank()) {
                problems.add(HelperProtocol.withoutPrefix(line));
            }
        }
        if (status != HelperProtocol.EXIT_OK || pid == 0 || !problems.isEmpty()) {
            reader.close();
            for (String problem : problems) {
                if (HelperProtocol.failedWith(problem, HelperProtocol.FORK_FAILED, HelperProtocol.EAGAIN)) {
                    throw processLimit(null);
                }
                if (HelperProtocol.failedWith(problem, HelperProtocol.EXEC_FAILED, HelperProtocol.E2BIG)) {
                    throw tooLong(jvm, null); // the daemon's exec of the JVM
                }
            }
            String reason = problems.isEmpty() ? "the helper exited with status " + status
                    : String.join("; ", problems);
            throw new DaemonException("cannot start: " + reason,
                    status == HelperProtocol.EXIT_UNSUPPORTED && pid == 0 ? ExitStatus.UNSUPPORTED
                    : status == HelperProtocol.EXIT_FAILED && pid == 0 ? ExitStatus.NOT_CONFIGURED
                    : ExitStatus.FAILED);
        }
        return new Detached(pid, watching ? reader : null);
    }

    /** The first "pid N" line of the helper's output, or 0. */
    private static long announcedPid(String output) {
        for (String line : output.split("\n")) {
            long pid = pidIn(line);
            if (pid > 0) {
                return pid;
            }
        }
        return 0;
    }

    /** The PID a {@link HelperProtocol#PID_LINE} names, or 0 for any other line. */
    static long pidIn(String line) {
        return line.startsWith(HelperProtocol.PID_LINE)
                ? Decimal.parse(line.substring(HelperProtocol.PID_LINE.length())) : 0;
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
        return HelperBinary.cannotExecute(helper, message + "; set -D" + HelperBinary.HELPER_PROPERTY
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
}
