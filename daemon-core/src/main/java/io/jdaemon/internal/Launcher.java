package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private String name;

    /**
     * A launcher for a daemon with these options, named {@code name} in messages; null for the
     * program's name (see {@link ProgramName}), found from the command line the launcher reads.
     */
    public Launcher(DaemonOptions options, String name) {
        this.options = options;
        this.name = name;
    }

    /** The name this launcher's messages give the service. */
    public String name() {
        if (name == null) {
            name = Dispatch.programName();
        }
        return name;
    }

    /**
     * Starts the daemon and returns once it is ready, or has failed.
     *
     * @return what to tell the operator ({@code started, pid N}, or the failure with the log's
     *     new lines), and the exit status for the launching JVM
     * @throws DaemonException for a failure the operator can fix
     */
    public Report start() {
        try {
            return startOrThrow();
        } catch (OutOfMemoryError e) {
            if (String.valueOf(e.getMessage()).contains("native thread")) {
                throw processLimit(e);
            }
            throw e;
        }
    }

    private Report startOrThrow() {
        checkOpenFiles(); // first: the count must not include the second thread's files
        // The spawn's ingredients are found on a second thread while this one checks the flags'
        // files and writes the settings: the JVM's start-up leaves a core idle.
        Preparation preparation = new Preparation();
        preparation.start();
        try {
            UserAccount account = account();
            Report running = checkFiles(account);
            if (running != null) {
                return running;
            }
            long logStart = logSize();
            Readiness.Settings settings = new Readiness.Settings(
                    options.pidFile() == null ? "" : options.pidFile().toString(),
                    options.logFile().toString(), options.sighup().name(), options.explicitReady(),
                    ProcStat.selfPid());
            try (Readiness.Listener listener = account == null ? Readiness.Listener.open(settings, -1, -1)
                    : Readiness.Listener.open(settings, (int) account.uid(), (int) account.gid())) {
                Path helper = preparation.helper();
                JvmCommandLine jvm = preparation.commandLine();
                if (name == null) {
                    name = ProgramName.of(jvm);
                }
                return spawnAndAwait(listener, account, helper, jvm, logStart);
            } catch (IOException e) {
                throw new DaemonException("cannot start the daemon: " + e, ExitStatus.FAILED, e);
            }
        } finally {
            preparation.finish(); // nothing it places is left half-written
        }
    }

    /**
     * Checks what the flags name before anything is spawned.
     *
     * @return {@code already running, pid N} if a daemon holds the pidfile; null to go on
     */
    private Report checkFiles(UserAccount account) {
        // Who opens the files: the daemon's user (the helper switches before it opens the log).
        TrustedPath.Identity opener = account == null ? TrustedPath.Identity.current()
                : TrustedPath.Identity.of(account.uid(), account.gid());
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            PidFile.checkName(pidFile);
            checkPidFile(pidFile, opener);
            PidFile.State state = PidFile.inspect(pidFile);
            if (state.locked()) {
                if (state.problem() != null) {
                    throw new DaemonException(state.problem() + "; not starting (remove the lock or "
                            + "choose another --pidfile)", ExitStatus.FAILED);
                }
                return Report.said("already running, pid " + state.holder().getAsLong(), ExitStatus.OK);
            }
            if (state.exists()) {
                try {
                    PidFile.refuseForeignFile(pidFile, opener); // before the daemon would refuse it
                } catch (IOException e) {
                    // gone meanwhile: the daemon creates it
                }
            }
            if (!isDevNull(options.logFile()) && sameFile(pidFile, options.logFile())) {
                throw new DaemonException("--pidfile and --log both name " + pidFile + "; give each "
                        + "its own file", ExitStatus.USAGE);
            }
        }
        checkLog(options.logFile(), opener);
        checkWorkDir(options.workDir());
        if (account != null) {
            checkWritableBy(account);
        }
        checkDevNull();
        return null;
    }

    /** Runs the helper and waits for the daemon's outcome, given up (and cleaned up) on failure. */
    private Report spawnAndAwait(Readiness.Listener listener, UserAccount account, Path helper,
            JvmCommandLine jvm, long logStart) throws IOException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
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
        long pid = 0;
        Readiness.Outcome outcome = null;
        try {
            pid = spawn(helper, account, jvm.withProperty(Readiness.MARKER, listener.address()), deadline);
            spawned.set(pid);
            listener.sweepLeftovers(); // while the daemon's JVM starts
            outcome = await(listener, pid, deadline);
        } finally {
            if (outcome == null) {
                // Failed (or no thread could be started): clean up now rather than in the
                // shutdown hook, which may not get a thread either.
                abort.run();
            }
            removeHook(abort);
        }
        switch (outcome.kind()) {
            case READY:
                return Report.said("started, pid " + pid, ExitStatus.OK);
            case RUNNING:
                return Report.said("already running, pid " + outcome.pid(), ExitStatus.OK);
            case FAILED:
                return failed("failed to start: " + withLoggedReason(outcome.message(),
                        DaemonSide.EXITED_BEFORE_READY.equals(outcome.message()), logStart), logStart);
            default:
                return failed(withLoggedReason("the daemon (pid " + pid + ") exited before it "
                        + "was ready", true, logStart), logStart);
        }
    }

    /**
     * What the spawn needs besides the checks of the flags' files, found on a thread of its own
     * while they run: the helper, this JVM's command line; and the JDK's
     * process class, whose initialisation (its first lambda) the spawn would otherwise wait for.
     */
    private static final class Preparation extends Thread {
        private Path helper;
        private JvmCommandLine commandLine;
        private Throwable failure;

        Preparation() {
            super("jdaemon-prepare");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                helper = HelperBinary.locate();
                commandLine = JvmCommandLine.current();
                initialize("java.lang.ProcessImpl");
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        private static void initialize(String jdkClass) {
            try {
                Class.forName(jdkClass, true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // another JDK's names: the spawn initialises what it has
            }
        }

        /** Waits until the thread is done; nothing it places is left half-written. */
        void finish() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The helper, once the thread is done. */
        Path helper() {
            finish();
            rethrow();
            return helper;
        }

        /** This JVM's command line, once the thread is done. */
        JvmCommandLine commandLine() {
            finish();
            rethrow();
            return commandLine;
        }

        private void rethrow() {
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
        }
    }

    /**
     * The account of {@code --user}, resolved before anything is spawned; null without it.
     *
     * @throws DaemonException if this launcher is not root, or the user or group is unknown
     */
    private UserAccount account() {
        if (options.user() == null) {
            return null;
        }
        if (!UserAccount.launcherIsRoot()) {
            throw new DaemonException("--user=" + options.user() + " needs a root launcher (only "
                    + "root can switch users); start it as root, or omit --user",
                    ExitStatus.NO_PERMISSION);
        }
        return UserAccount.resolve(options.user());
    }

    /**
     * The daemon creates its log and pidfile as {@code account}: their directories (or the
     * existing log) must be writable by that user, as systemd's {@code LogsDirectory=} and
     * {@code RuntimeDirectory=} make them.
     */
    private void checkWritableBy(UserAccount account) {
        String owner = account.name() + ":" + account.gid();
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            String why = account.cannotWrite(pidFile.getParent());
            if (why != null) {
                throw new DaemonException("pidfile directory " + pidFile.getParent() + " is not "
                        + "writable by the daemon's user: " + why + "; give it to that user (install "
                        + "-d -o " + owner.replace(":", " -g ") + " " + pidFile.getParent()
                        + ") or choose another --pidfile", ExitStatus.NOT_CONFIGURED);
            }
        }
        Path log = options.logFile();
        if (!isDevNull(log)) {
            boolean exists = attributesOrNull(log) != null;
            Path target = exists ? log : log.getParent();
            String why = account.cannotWrite(target);
            if (why != null) {
                throw new DaemonException((exists ? "log file " : "log directory ") + target
                        + " is not writable by the daemon's user: " + why + "; "
                        + (exists ? "chown " + owner + " " + target
                                : "give it to that user (install -d -o " + owner.replace(":", " -g ")
                                        + " " + target + ")") + " or choose another --log",
                        ExitStatus.NOT_CONFIGURED);
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs, and finds nothing left to do
        }
    }

    /** The line for a thread or process that could not be created for the process limit. */
    private static DaemonException processLimit(Throwable cause) {
        return new DaemonException("cannot create a thread or process: this user's process limit "
                + "(ulimit -u, " + limit("Max processes") + ") is reached; raise it or end some of "
                + "this user's processes", ExitStatus.FAILED, cause);
    }

    /**
     * {@code "now N"}, N the soft limit named {@code what} in /proc/self/limits (e.g. "Max open
     * files"), or a hint where there is none. (No regex: this runs on every start.)
     */
    private static String limit(String what) {
        // java.io, loaded at boot: no channel or reader classes for one small read.
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
     * Refuses to start when fewer than 10 descriptors are left under the open-files limit: the
     * helper's pipes and the JDK's spawn helper need them, and the spawn helper, failing, would
     * print the dynamic loader's own message. Linux only (/proc); elsewhere the failure is
     * reported when it happens.
     */
    private static void checkOpenFiles() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            return;
        }
        long open = fds.length;
        long max;
        try {
            String limit = limit("Max open files");
            max = limit.startsWith("now ") ? Decimal.parse(limit.substring(4)) : -1;
        } catch (RuntimeException e) {
            return;
        }
        if (max > 0 && max - open < 10) {
            throw new DaemonException("too few open files left to start the daemon helper (the "
                    + "open-files limit, ulimit -n, is " + max + " and " + open + " are open); raise it",
                    ExitStatus.FAILED);
        }
    }

    /**
     * The daemon's stdin is {@code /dev/null}, and the helper opens it: a system where it is
     * not the null device (a directory or a file in its place) is named as such.
     */
    private static void checkDevNull() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(Path.of("/dev/null"), BasicFileAttributes.class);
        } catch (IOException e) {
            attrs = null;
        }
        if (attrs == null || !attrs.isOther()) {
            String what = attrs == null ? "missing" : attrs.isDirectory() ? "a directory" : "a regular file";
            throw new DaemonException("/dev/null is " + what + ", not the null device; the daemon's "
                    + "stdin must be /dev/null: restore it (mknod -m 666 /dev/null c 1 3)",
                    ExitStatus.NOT_CONFIGURED);
        }
    }

    /**
     * Runs the helper and returns the daemon's PID once the daemon's JVM has been executed. Bounded
     * by {@code deadline}: a helper still running then (blocked opening the log, say) is killed,
     * and so is the daemon if its PID was announced.
     */
    private long spawn(Path helper, UserAccount account, List<String> jvm, long deadline)
            throws IOException {
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
                    account.home(), "--user-name", account.name());
            List<Long> caps = new ArrayList<>();
            for (String cap : options.keepCaps()) {
                caps.add((long) Capabilities.number(cap));
            }
            if (!caps.isEmpty()) {
                Collections.addAll(argv, "--caps", join(caps));
            }
        }
        argv.add("--launcher-pid");
        argv.add(Long.toString(ProcStat.selfPid()));
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
            helperProcess = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw cannotRun(helper, e);
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
                kill(announced);
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
                problems.add(line.startsWith(HELPER_PREFIX)
                        ? line.substring(HELPER_PREFIX.length()) : line);
            }
        }
        if (status != 0 || pid == 0 || !problems.isEmpty()) {
            String reason = problems.isEmpty() ? "the helper exited with status " + status
                    : String.join("; ", problems);
            if (reason.contains("cannot fork") && reason.contains("EAGAIN")
                    || reason.contains("cannot fork: Resource temporarily unavailable")) {
                throw processLimit(null);
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
    private static DaemonException cannotRun(Path helper, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("error=24") || message.contains("Too many open files")) {
            return new DaemonException("cannot start the daemon helper: too many open files (the "
                    + "open-files limit, ulimit -n, is " + limit("Max open files") + "); raise it",
                    ExitStatus.FAILED, e);
        }
        if (message.contains("error=11") || message.contains("Resource temporarily unavailable")) {
            return processLimit(e);
        }
        return HelperBinary.cannotExecute(helper, message + "; set -D" + HelperBinary.HELPER_PROPERTY
                + "=PATH to an executable helper", e);
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

    /**
     * Waits for the daemon's outcome: polls for it every millisecond, and for the daemon's death
     * every 20; a daemon that failed is waited for until it has exited. Bounded by the start
     * timeout, past which the daemon is killed.
     */
    private Readiness.Outcome await(Readiness.Listener listener, long pid, long deadline)
            throws IOException {
        for (int tick = 1; ; tick++) {
            Readiness.Outcome outcome = listener.poll(pid);
            if (outcome != null && outcome.kind() != Readiness.Outcome.Kind.FAILED) {
                return outcome;
            }
            if (tick % 20 == 0 && !ProcStat.isAlive(pid)) {
                outcome = listener.poll(pid); // written just before it died?
                return outcome != null ? outcome : new Readiness.Outcome(Readiness.Outcome.Kind.DIED, "", pid);
            }
            long extended = tick % 20 == 0 || System.nanoTime() - deadline > 0
                    ? listener.extendedDeadline() : 0; // Daemon.extendStartTimeout
            if (extended != 0 && extended - deadline > 0) {
                deadline = extended;
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

    /**
     * A failure that gives no reason (the daemon exited before it was ready), preceded by the
     * reason the daemon logged, when one is recognised there; any other failure as it is.
     */
    private String withLoggedReason(String failure, boolean withoutReason, long logStart) {
        if (!withoutReason || isDevNull(options.logFile())) {
            return failure;
        }
        String reason = StartFailureReason.fromLog(options.logFile(), logStart);
        return reason == null ? failure : reason + " (" + failure + ")";
    }

    private Report failed(String message, long logStart) {
        StringBuilder text = new StringBuilder(message);
        String tail = logTail(logStart);
        if (!tail.isEmpty()) {
            text.append("\n").append(name).append(": output in ").append(options.logFile())
                    .append(":\n").append(tail);
        } else if (!isDevNull(options.logFile())) {
            text.append(" (see ").append(options.logFile()).append(")");
        }
        return Report.failed(text.toString(), ExitStatus.FAILED);
    }

    private void checkPidFile(Path pidFile, TrustedPath.Identity opener) {
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
        PidFile.refuseUntrustedDirectory(pidFile, opener);
        if (!Files.isWritable(dir)) {
            throw new DaemonException("pidfile directory " + dir + " is not writable by this user; "
                    + "choose another --pidfile or fix its permissions", ExitStatus.NOT_CONFIGURED);
        }
    }

    /**
     * The log's pre-checks; the helper checks again on the descriptor it opens (a regular file
     * with one link, owned by this user or root, or /dev/null).
     */
    private static void checkLog(Path log, TrustedPath.Identity opener) {
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
        String untrusted = Files.isDirectory(dir) ? TrustedPath.untrusted(dir, opener) : null;
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
            String foreign;
            try {
                foreign = ExistingFile.foreign(log, false, opener);
            } catch (IOException e) {
                foreign = null; // gone meanwhile: the helper checks the descriptor it opens
            }
            if (foreign != null) {
                throw new DaemonException("log file " + log + " " + foreign + "; remove it or choose "
                        + "another --log", ExitStatus.NOT_CONFIGURED);
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

    private static String join(List<Long> ids) {
        StringBuilder out = new StringBuilder();
        for (long id : ids) {
            out.append(out.length() == 0 ? "" : ",").append(id);
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

