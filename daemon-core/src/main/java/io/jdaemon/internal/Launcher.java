package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The launching side of {@code --daemon}: checks what can be checked before anything is spawned,
 * runs the helper (which forks, calls setsid, forks again and executes this JVM's command line
 * again with the marker property), waits for the daemon's readiness and reports it in one line.
 * It never forks the JVM and loads no native library.
 */
public final class Launcher {

    private static final String HELPER_PREFIX = "jdaemon-helper: ";

    private final DaemonOptions options;
    private final String name;

    /** A launcher for a daemon with these options, named {@code name} in messages. */
    public Launcher(DaemonOptions options, String name) {
        this.options = options;
        this.name = name;
    }

    /**
     * Starts the daemon and returns once it is ready, or has failed (with the reason on stderr).
     *
     * @return the exit status for the launching JVM
     * @throws DaemonException for a failure the operator can fix
     */
    public int start() {
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            checkPidFile(pidFile);
            PidFile.State state = PidFile.inspect(pidFile);
            if (state.locked()) {
                if (state.problem() != null) {
                    throw new DaemonException(state.problem() + "; not starting (remove the lock or "
                            + "choose another --pidfile)", ExitStatus.FAILED);
                }
                System.out.println(name + " already running, pid " + state.holder().getAsLong());
                return ExitStatus.OK;
            }
            if (state.exists()) {
                try {
                    PidFile.refuseForeignFile(pidFile); // before the daemon would refuse it
                } catch (IOException e) {
                    // gone meanwhile: the daemon creates it
                }
            }
            if (!isDevNull(options.logFile()) && sameFile(pidFile, options.logFile())) {
                throw new DaemonException("--pidfile and --log both name " + pidFile + "; give each "
                        + "its own file", ExitStatus.USAGE);
            }
        }
        checkLog(options.logFile());
        checkWorkDir(options.workDir());
        Path helper = HelperBinary.locate();
        JvmCommandLine jvm = JvmCommandLine.current();
        long logStart = logSize();
        Readiness.Settings settings = new Readiness.Settings(
                options.pidFile() == null ? "" : options.pidFile().toString(),
                options.logFile().toString(), options.sighup().name(), options.explicitReady(),
                ProcStat.selfPid());
        try (Readiness.Listener listener = Readiness.Listener.open(settings)) {
            // Ctrl-C or SIGTERM while starting gives the start up: the daemon is killed if its
            // PID is known, and without the settings directory a daemon not yet running gives up.
            AtomicLong spawned = new AtomicLong();
            Thread abort = new Thread("jdaemon-abort-start") {
                @Override
                public void run() {
                    try {
                        listener.close();
                        if (spawned.get() > 0) {
                            kill(spawned.get());
                        }
                    } catch (IOException | RuntimeException ignored) {
                        // exiting anyway; the next status reports what is left
                    }
                }
            };
            Runtime.getRuntime().addShutdownHook(abort);
            long pid = spawn(helper, jvm.withProperty(DaemonSide.MARKER, listener.address()));
            spawned.set(pid);
            Readiness.Outcome outcome = await(listener, pid);
            Runtime.getRuntime().removeShutdownHook(abort);
            switch (outcome.kind()) {
                case READY:
                    System.out.println(name + " started, pid " + pid);
                    return ExitStatus.OK;
                case RUNNING:
                    System.out.println(name + " already running, pid " + outcome.pid());
                    return ExitStatus.OK;
                case FAILED:
                    return failed("failed to start: " + outcome.message(), logStart);
                default:
                    return failed("the daemon (pid " + pid + ") exited before it was ready", logStart);
            }
        } catch (IOException e) {
            throw new DaemonException("cannot start the daemon: " + e, ExitStatus.FAILED, e);
        }
    }

    /** Runs the helper and returns the daemon's PID once the daemon's JVM has been executed. */
    private long spawn(Path helper, List<String> jvm) throws IOException {
        List<String> argv = new ArrayList<>(jvm.size() + 10);
        argv.add(helper.toString());
        argv.add("--log");
        argv.add(options.logFile().toString());
        argv.add("--workdir");
        argv.add(options.workDir().toString());
        argv.add("--umask");
        argv.add(Integer.toOctalString(options.umask()));
        argv.add("--sighup");
        argv.add(helperSighup(options.sighup()));
        argv.add("--");
        argv.addAll(jvm);
        if (!Files.isExecutable(helper)) {
            // access(X_OK) also fails on a noexec mount, where the execute bit is set.
            throw new DaemonException("cannot execute the daemon helper " + helper + " (os.name="
                    + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                    + "): permission denied, so its directory is probably on a noexec mount; set -D"
                    + HelperBinary.CACHE_PROPERTY + "=DIR to another directory or -D"
                    + HelperBinary.HELPER_PROPERTY + "=PATH to an executable helper",
                    ExitStatus.NOT_INSTALLED);
        }
        Process helperProcess;
        try {
            helperProcess = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new DaemonException("cannot execute the daemon helper " + helper + " (os.name="
                    + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                    + "): " + e.getMessage() + "; set -D" + HelperBinary.HELPER_PROPERTY
                    + "=PATH to an executable helper", ExitStatus.NOT_INSTALLED, e);
        }
        // The helper's output ends when the daemon's exec succeeded or failed: the pipe's last
        // copy is close-on-exec in the daemon.
        String output;
        try (InputStream in = helperProcess.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int status = waitFor(helperProcess);
        long pid = 0;
        List<String> problems = new ArrayList<>();
        for (String line : output.split("\n")) {
            long announced = line.startsWith("pid ") ? PidFile.parse(line.substring(4)) : 0;
            if (pid == 0 && announced > 0) {
                pid = announced;
            } else if (!line.isBlank()) {
                problems.add(line.startsWith(HELPER_PREFIX)
                        ? line.substring(HELPER_PREFIX.length()) : line);
            }
        }
        if (status != 0 || pid == 0 || !problems.isEmpty()) {
            String reason = problems.isEmpty() ? "the helper exited with status " + status
                    : String.join("; ", problems);
            throw new DaemonException("cannot start: " + reason,
                    status == 1 && pid == 0 ? ExitStatus.NOT_CONFIGURED : ExitStatus.FAILED);
        }
        return pid;
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

    /**
     * Waits for the daemon's outcome: polls for it every millisecond, and for the daemon's death
     * every 20; a daemon that failed is waited for until it has exited. Bounded by the start
     * timeout, past which the daemon is killed.
     */
    private Readiness.Outcome await(Readiness.Listener listener, long pid) throws IOException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        for (int tick = 1; ; tick++) {
            Readiness.Outcome outcome = listener.poll(pid);
            if (outcome != null && outcome.kind() != Readiness.Outcome.Kind.FAILED) {
                return outcome;
            }
            if (tick % 20 == 0 && !ProcStat.isAlive(pid)) {
                outcome = listener.poll(pid); // written just before it died?
                return outcome != null ? outcome : new Readiness.Outcome(Readiness.Outcome.Kind.DIED, "", pid);
            }
            if (System.nanoTime() - deadline > 0) {
                kill(pid);
                if (outcome != null) {
                    return outcome; // failed, and now gone
                }
                throw new DaemonException("the daemon (pid " + pid + ") was not ready within "
                        + options.startTimeout().toSeconds() + " s and was killed; raise "
                        + "--start-timeout or see " + options.logFile(), ExitStatus.FAILED);
            }
            sleep(1);
        }
    }

    /** Kills a daemon that was not ready in time, and removes the pidfile it may have written. */
    private void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcStat.awaitExit(pid, Duration.ofSeconds(2));
        if (options.pidFile() != null) {
            try {
                PidFile.removeStale(options.pidFile());
            } catch (PidFile.HeldException e) {
                // another daemon holds it now: its file stays
            }
        }
    }

    private int failed(String message, long logStart) {
        StringBuilder text = new StringBuilder(name).append(": ").append(message);
        String tail = logTail(logStart);
        if (!tail.isEmpty()) {
            text.append("\n").append(name).append(": output in ").append(options.logFile())
                    .append(":\n").append(tail);
        } else if (!isDevNull(options.logFile())) {
            text.append(" (see ").append(options.logFile()).append(")");
        }
        System.err.println(text);
        return ExitStatus.FAILED;
    }

    private void checkPidFile(Path pidFile) {
        Path dir = pidFile.getParent();
        if (dir == null || pidFile.getFileName() == null) {
            throw new DaemonException("--pidfile=" + pidFile + " is a directory, not a file path; "
                    + "give a file path such as /run/NAME.pid", ExitStatus.NOT_CONFIGURED);
        }
        if (!Files.isDirectory(dir)) {
            throw new DaemonException("pidfile directory " + dir + " does not exist; create it or "
                    + "choose another --pidfile", ExitStatus.NOT_CONFIGURED);
        }
        if (Files.isDirectory(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new DaemonException("--pidfile=" + pidFile + " is a directory; give a file path "
                    + "such as " + pidFile.resolve("NAME.pid"), ExitStatus.NOT_CONFIGURED);
        }
        PidFile.refuseUntrustedDirectory(pidFile);
        if (!Files.isWritable(dir)) {
            throw new DaemonException("pidfile directory " + dir + " is not writable by this user; "
                    + "choose another --pidfile or fix its permissions", ExitStatus.NOT_CONFIGURED);
        }
    }

    /**
     * The log's pre-checks; the helper checks again on the descriptor it opens (a regular file
     * with one link, owned by this user or root, or /dev/null).
     */
    private static void checkLog(Path log) {
        if (isDevNull(log)) {
            return;
        }
        Path dir = log.getParent();
        if (dir == null || log.getFileName() == null) {
            throw new DaemonException("--log=" + log + " is a directory, not a file path; give a "
                    + "file path such as /var/log/NAME.log", ExitStatus.NOT_CONFIGURED);
        }
        BasicFileAttributes attrs = attributesOrNull(log);
        if (attrs == null && !Files.isDirectory(dir)) {
            throw new DaemonException("log directory " + dir + " does not exist; create it or "
                    + "choose another --log", ExitStatus.NOT_CONFIGURED);
        }
        String untrusted = Files.isDirectory(dir) ? TrustedPath.untrusted(dir) : null;
        if (untrusted != null) {
            throw new DaemonException("log directory is unsafe: " + untrusted + "; another user could "
                    + "replace the log. Choose a --log in a directory only root or this user can write "
                    + "(or one with the sticky bit, as /tmp)", ExitStatus.NOT_CONFIGURED);
        }
        if (attrs == null) {
            if (!Files.isWritable(dir)) {
                throw new DaemonException("log directory " + dir + " is not writable by this user; "
                        + "choose another --log or fix its permissions", ExitStatus.NOT_CONFIGURED);
            }
        } else if (attrs.isSymbolicLink()) {
            throw new DaemonException("log file " + log + " is a symbolic link; refusing to follow "
                    + "it (give the real path with --log)", ExitStatus.NOT_CONFIGURED);
        } else if (attrs.isDirectory()) {
            throw new DaemonException("log file " + log + " is a directory; give a file path with "
                    + "--log", ExitStatus.NOT_CONFIGURED);
        } else if (!attrs.isRegularFile()) {
            throw new DaemonException("log file " + log + " is not a regular file (a FIFO, socket or "
                    + "device); give the path of a regular file with --log", ExitStatus.NOT_CONFIGURED);
        } else {
            String foreign = LogFile.foreign(log);
            if (foreign != null) {
                throw new DaemonException(foreign, ExitStatus.NOT_CONFIGURED);
            }
            if (!Files.isWritable(log)) {
                throw new DaemonException("log file " + log + " is not writable by this user; fix its "
                        + "permissions or choose another --log", ExitStatus.NOT_CONFIGURED);
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        BasicFileAttributes x = attributesOrNull(a);
        BasicFileAttributes y = attributesOrNull(b);
        return x != null && y != null && x.fileKey() != null && x.fileKey().equals(y.fileKey());
    }

    private static void checkWorkDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DaemonException("working directory " + dir + " does not exist or is not a "
                    + "directory; create it or choose another --workdir", ExitStatus.NOT_CONFIGURED);
        }
    }

    private long logSize() {
        BasicFileAttributes attrs = attributesOrNull(options.logFile());
        return attrs != null && attrs.isRegularFile() ? attrs.size() : 0;
    }

    /** What the daemon appended to the log since {@code start}: its last 20 lines, indented. */
    private String logTail(long start) {
        Path log = options.logFile();
        BasicFileAttributes attrs = attributesOrNull(log);
        if (attrs == null || !attrs.isRegularFile() || attrs.size() <= start) {
            return "";
        }
        long from = Math.max(start, attrs.size() - 8192);
        byte[] bytes = new byte[(int) (attrs.size() - from)];
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(from);
            file.readFully(bytes);
        } catch (IOException e) {
            return "";
        }
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = Math.max(0, lines.length - 20); i < lines.length; i++) {
            out.append(out.length() == 0 ? "" : "\n").append("  ").append(lines[i]);
        }
        return out.toString();
    }

    private static boolean isDevNull(Path log) {
        return log.toString().equals("/dev/null");
    }

    private static BasicFileAttributes attributesOrNull(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static int waitFor(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

