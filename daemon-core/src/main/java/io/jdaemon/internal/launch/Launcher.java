package io.jdaemon.internal.launch;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Dispatch;
import io.jdaemon.internal.cli.ProgramName;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.control.Control;
import io.jdaemon.internal.daemon.ServiceSide;
import io.jdaemon.internal.handshake.Readiness;
import io.jdaemon.internal.helper.HelperBinary;
import io.jdaemon.internal.helper.HelperProcess;
import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.ExistingFile;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.os.UserAccount;
import io.jdaemon.internal.pidfile.PidFile;
import io.jdaemon.internal.pidfile.PidFileHandover;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The launching side of {@code --daemon}: checks what can be checked before anything is spawned,
 * runs the helper (which forks, calls setsid, forks again and executes this JVM's command line
 * again with the marker property), waits for the daemon's readiness and reports it in one line.
 * It never forks the JVM and loads no native library.
 */
public final class Launcher {

    /** The most one {@code Daemon.extendStartTimeout} moves the deadline (or the start timeout, if longer). */
    static final java.time.Duration EXTENSION_STEP = java.time.Duration.ofMinutes(1);
    /** How much all extensions together add to the start timeout, at most. */
    static final java.time.Duration EXTENSIONS_LIMIT = java.time.Duration.ofHours(1);
    /** The JVM option that closes the attach socket of a daemon that keeps capabilities. */
    static final String NO_ATTACH = "-XX:+DisableAttachMechanism";

    private final DaemonOptions options;
    private final JvmCommandLine recorded;
    private String name;
    private JvmCommandLine jvm;
    /** The running daemon this one succeeds on its listening socket; null for a plain start. */
    private LaunchRecord predecessor;

    /**
     * A launcher for a daemon with these options, named {@code name} in messages; null for the
     * program's name (see {@link ProgramName}), found from the command line the launcher reads.
     */
    public Launcher(DaemonOptions options, String name) {
        this(options, name, null);
    }

    /**
     * As {@link #Launcher(DaemonOptions, String)}, running {@code recorded} (a launch record's
     * command line, for a restart) instead of this JVM's command line; null for this JVM's.
     */
    public Launcher(DaemonOptions options, String name, JvmCommandLine recorded) {
        this.options = options;
        this.name = name;
        this.recorded = recorded;
        this.jvm = recorded;
    }

    /**
     * This launcher, starting the successor of the daemon {@code running} records (proven the
     * pidfile's holder, with its start time): the new daemon is started on that daemon's
     * listening socket, taken by the helper ({@code --listen-from}), while the running one still
     * serves and holds the pidfile; once it is ready, its pidfile replaces the running one's in
     * one step and the launch record names it (see {@link PidFileHandover}). Stopping the old
     * one is the caller's. If the new one does not become ready, nothing else changes.
     */
    public Launcher succeeding(LaunchRecord running) {
        this.predecessor = running;
        return this;
    }

    /** The name this launcher's messages give the service. */
    public String name() {
        if (name == null) {
            name = jvm != null ? ProgramName.of(jvm) : Dispatch.programName();
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
                throw HelperProcess.processLimit(e);
            }
            throw e;
        }
    }

    private Report startOrThrow() {
        checkOpenFiles(); // first: the count must not include the second thread's files
        // The helper is found, and the JDK's process class initialised, on a second thread while
        // this one checks the flags' files, writes the settings and reads the command line: the
        // JVM's start-up leaves a core idle.
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
                    Processes.selfPid(), predecessor != null);
            jvm = recorded != null ? recorded : JvmCommandLine.current();
            // Options acting at JVM start act here too: a port the daemon would need is
            // refused before anything is spawned.
            JvmOptions.refuseListeningOptions(jvm.jvmOptions());
            List<String> jvmOptions = jvm.withJvmOptions(options.jvmOptions()).options(Readiness.MARKER);
            if (options.startupCache()) {
                // Before the service's own options: its -Xlog settings win over the cache's.
                List<String> cached = new ArrayList<>(StartupCache.plan(
                        jvm.withJvmOptions(options.jvmOptions()), options.pidFile(), account).options());
                cached.addAll(jvmOptions);
                jvmOptions = cached;
            }
            try (Readiness.Listener listener = account == null
                    ? Readiness.Listener.open(settings, jvmOptions, -1, -1)
                    : Readiness.Listener.open(settings, jvmOptions, (int) account.uid(), (int) account.gid())) {
                return spawnAndAwait(listener, account, preparation, logStart);
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
            if (account != null) {
                // Root acts on this path for the user's daemon (now, and when it stops it): not
                // one that user could swap for a link.
                String replaceable = PidFile.replaceableDirectory(pidFile);
                if (replaceable != null) {
                    throw new DaemonException(replaceable, ExitStatus.NOT_CONFIGURED);
                }
            }
            PidFile.State state = awaitStopping(pidFile, PidFile.inspect(pidFile));
            boolean succeeded = predecessor != null && state.holder().isPresent()
                    && state.holder().getAsLong() == predecessor.pid();
            if (state.locked() && !succeeded) {
                if (state.problem() != null) {
                    throw new DaemonException(state.problem() + "; not starting (remove the lock or "
                            + "choose another --pidfile)", ExitStatus.FAILED);
                }
                return Report.said("already running, pid " + state.holder().getAsLong(), ExitStatus.OK);
            }
            if (!state.exists()) {
                Control.Status status = Control.status(pidFile);
                if (status.pidFileRemoved()) {
                    return Report.said("already running, pid " + status.pidOrZero() + " (its pidfile "
                            + pidFile + " was removed; --daemon=restart gives it a new one)", ExitStatus.OK);
                }
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

    /**
     * If the pidfile's daemon is one this user is stopping ({@code --daemon=stop} marked its
     * launch record before SIGTERM), waits for it to exit, up to its stop timeout, and looks
     * again: a start during a stop starts the service once the old one is gone, rather than
     * reporting "already running" for a process about to exit.
     *
     * @throws DaemonException if it is still stopping at the timeout
     */
    private static PidFile.State awaitStopping(Path pidFile, PidFile.State state) {
        if (!state.locked() || state.problem() != null) {
            return state;
        }
        LaunchRecord record = LaunchRecord.read(pidFile);
        long pid = state.holder().getAsLong();
        if (record == null || !record.stopping() || record.pid() != pid) {
            return state;
        }
        Duration wait = record.options().stopTimeout();
        if (!Processes.awaitExit(pid, wait)) {
            throw new DaemonException("pid " + pid + " is stopping (a --daemon=stop is under way) and "
                    + "has not exited within " + wait.toSeconds() + " s; try again once it has",
                    ExitStatus.FAILED);
        }
        return PidFile.inspect(pidFile);
    }

    /** Runs the helper and waits for the daemon's outcome, given up (and cleaned up) on failure. */
    private Report spawnAndAwait(Readiness.Listener listener, UserAccount account,
            Preparation preparation, long logStart) throws IOException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        // Ctrl-C or SIGTERM while starting gives the start up: the daemon is killed if its
        // PID is known, and without the settings directory a daemon not yet running gives up.
        AtomicReference<ProcessHandle> spawned = new AtomicReference<>();
        Thread abort = new Thread("jdaemon-abort-start") {
            @Override
            public void run() {
                try {
                    listener.close();
                    ProcessHandle daemon = spawned.get();
                    if (daemon != null) {
                        killDaemon(daemon, options.pidFile());
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
            pid = HelperProcess.detach(preparation.helper(), options, account,
                    daemonCommandLine(listener.address(), listener.jvmOptionsFile(), account), deadline,
                    spawned, predecessor == null ? null : predecessor.pid() + ":" + predecessor.startTicks()
                            + ":" + options.pidFile().toAbsolutePath());
            ProcessHandle daemon = ProcessHandle.of(pid).orElse(null);
            spawned.set(daemon);
            listener.sweepLeftovers(); // while the daemon's JVM starts
            name(); // likewise: the report names the service
            outcome = await(listener, pid, daemon, deadline);
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
                if (predecessor != null) {
                    takeOver(pid, account, spawned.get());
                }
                String unrecorded = predecessor != null ? null : record(pid, account);
                Report started = Report.said("started, pid " + pid, ExitStatus.OK);
                if (unrecorded != null) {
                    started = Report.notice("warning: " + unrecorded
                            + "; a --daemon=restart will use its own flags only").then(started);
                }
                return logFileSystemFull() ? started.then(Report.notice("warning: the file system of "
                        + options.logFile() + " is full: the daemon's output is lost until space is "
                        + "freed (it then says in the log how much was lost)")) : started;
            case RUNNING:
                // Another launcher's daemon won the pidfile meanwhile: only if it is proven one.
                Control.Status status = Control.status(options.pidFile());
                if (status.state() != DaemonStatus.State.RUNNING) {
                    return Report.failed("not started: the pidfile was taken meanwhile"
                            + (status.detail().isEmpty() ? "" : ": " + status.detail()), ExitStatus.FAILED);
                }
                return Report.said("already running, pid " + outcome.pid(), ExitStatus.OK);
            case FAILED:
                // A daemon out of threads (it inherited this launcher's limits) is named in
                // failed(): the same line as the launcher's own.
                return failed("failed to start: " + withLoggedReason(outcome.message(),
                        ServiceSide.EXITED_BEFORE_READY.equals(outcome.message()), logStart), logStart);
            default:
                return failed(withLoggedReason("the daemon (pid " + pid + ") exited before it "
                        + "was ready", true, logStart), logStart);
        }
    }

    /**
     * The daemon's command line: the service's (this JVM's, or a launch record's) with the
     * daemon's own JVM options ({@code --jvm-option}) and the marker property, and, for a
     * {@code --user} daemon that keeps capabilities,
     * {@value #NO_ATTACH} before the service's own options, unless those name
     * {@code DisableAttachMechanism} themselves (the opt-out is
     * {@code -XX:-DisableAttachMechanism}, on the java line or as a {@code --jvm-option}): any process of the daemon's user could otherwise
     * load an agent into the daemon through the attach socket ({@code jcmd}) and use its
     * capabilities.
     */
    private List<String> daemonCommandLine(String address, String argFile, UserAccount account) {
        JvmCommandLine full = jvm.withJvmOptions(options.jvmOptions());
        // The options in the private argument file; the attach opt-out stays visible.
        List<String> argv = new ArrayList<>(full.withPropertyAndArgFile(Readiness.MARKER, address, argFile));
        if (account != null && !options.keepCaps().isEmpty()) {
            boolean named = false;
            for (String arg : full.jvmOptions()) {
                named |= arg.startsWith("-XX:") && arg.endsWith("DisableAttachMechanism");
            }
            if (!named) {
                argv.add(1, NO_ATTACH);
            }
        }
        return argv;
    }

    /**
     * Writes the launch record of the daemon now ready (see {@link LaunchRecord}); null, or why
     * it could not be written.
     */
    private String record(long pid, UserAccount account) {
        if (options.pidFile() == null) {
            return null; // nothing to restart it by
        }
        long uid = account != null ? account.uid() : TrustedPath.Identity.current().uid;
        return LaunchRecord.write(new LaunchRecord(options.pidFile(), pid, Processes.startTicks(pid), uid,
                options, jvm, false));
    }

    /**
     * The successor is ready: the launch record names it (and, while it stops, its predecessor),
     * then its pidfile replaces the predecessor's. If that fails the successor is killed and the
     * predecessor's record put back: the old daemon serves on, as if nothing had been started.
     */
    private void takeOver(long pid, UserAccount account, ProcessHandle daemon) {
        long uid = account != null ? account.uid() : TrustedPath.Identity.current().uid;
        String unrecorded = LaunchRecord.write(new LaunchRecord(options.pidFile(), pid,
                Processes.startTicks(pid), uid, options, jvm, false)
                .predecessor(predecessor.pid(), predecessor.startTicks()));
        try {
            if (unrecorded != null) {
                throw new DaemonException("cannot hand over: " + unrecorded, ExitStatus.FAILED);
            }
            PidFileHandover.takeOver(options.pidFile(), pid, uid);
        } catch (DaemonException e) {
            if (daemon != null) {
                killDaemon(daemon, options.pidFile());
            }
            LaunchRecord.write(predecessor);
            throw e;
        }
    }

    /**
     * What the spawn needs besides the checks of the flags' files, found on a thread of its own
     * while they run: the helper; and the JDK's process class, whose initialisation (its first
     * lambda) the spawn would otherwise wait for.
     */
    private static final class Preparation extends Thread {
        private Path helper;
        private Throwable failure;

        Preparation() {
            super("jdaemon-prepare");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                helper = HelperBinary.locate();
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
        // The readiness handshake's directory is made there and given to the daemon's user.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        String cannotEnter = account.cannotEnter(tmp);
        if (cannotEnter != null) {
            throw new DaemonException("java.io.tmpdir " + tmp + ", where the launcher meets the "
                    + "daemon, is closed to the daemon's user: " + cannotEnter + "; start with "
                    + "-Djava.io.tmpdir=DIR, a directory that user can enter (such as /tmp)",
                    ExitStatus.NOT_CONFIGURED);
        }
        // The working directory (by default the launcher's) is entered as that user.
        String closed = account.cannotEnter(options.workDir());
        if (closed != null) {
            throw new DaemonException("working directory " + options.workDir() + " cannot be entered "
                    + "by the daemon's user: " + closed + "; give a --workdir that user can enter "
                    + "(--workdir=/ for daemon(3)'s behaviour)", ExitStatus.NOT_CONFIGURED);
        }
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
            String limit = Processes.limit("Max open files");
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
     * Waits for the daemon's outcome: polls for it every millisecond, and for the daemon's death
     * every 20; a daemon that failed is waited for until it has exited. Bounded by the start
     * timeout, past which the daemon is killed.
     */
    private Readiness.Outcome await(Readiness.Listener listener, long pid, ProcessHandle daemon,
            long deadline) throws IOException {
        long limit = System.nanoTime() + EXTENSIONS_LIMIT.toNanos() + options.startTimeout().toNanos();
        long lastExtension = 0;
        for (int tick = 1; ; tick++) {
            Readiness.Outcome outcome = listener.poll(pid);
            if (outcome != null && outcome.kind() != Readiness.Outcome.Kind.FAILED) {
                return outcome;
            }
            if (tick % 20 == 0 && !Processes.isAlive(pid)) {
                outcome = listener.poll(pid); // written just before it died?
                return outcome != null ? outcome : new Readiness.Outcome(Readiness.Outcome.Kind.DIED, "", pid);
            }
            long extended = tick % 20 == 0 || System.nanoTime() - deadline > 0
                    ? listener.extendedDeadline() : 0; // Daemon.extendStartTimeout
            if (extended != 0 && extended != lastExtension) {
                lastExtension = extended;
                deadline = extendedDeadline(deadline, extended, limit, System.nanoTime(),
                        options.startTimeout());
            }
            if (System.nanoTime() - deadline > 0) {
                if (daemon != null) {
                    killDaemon(daemon, options.pidFile());
                }
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

    /**
     * The deadline after the daemon asked to be waited for until {@code requested} (a
     * {@code System.nanoTime()}): each new request counts from when it is read, for at most
     * {@link #EXTENSION_STEP} or the start timeout, whichever is longer, and no request moves
     * the deadline past {@code limit}. A daemon that is stopped (SIGSTOP) after writing a
     * far-future request, or that keeps writing new ones, is waited for a bounded time.
     */
    static long extendedDeadline(long deadline, long requested, long limit, long now,
            java.time.Duration startTimeout) {
        long step = Math.max(EXTENSION_STEP.toNanos(), startTimeout.toNanos());
        long capped = requested - (now + step) > 0 ? now + step : requested;
        if (capped - limit > 0) {
            capped = limit;
        }
        return capped - deadline > 0 ? capped : deadline;
    }

    /**
     * A failure that gives no reason (the daemon exited before it was ready), preceded by the
     * reason the daemon logged, when one is recognised there; a bind failure that names no port
     * with the port the log named; any other failure as it is ({@link StartFailureReason}).
     */
    private String withLoggedReason(String failure, boolean withoutReason, long logStart) {
        if (!withoutReason) {
            return isDevNull(options.logFile()) ? failure
                    : StartFailureReason.withPortFromLog(failure, options.logFile(), logStart);
        }
        // A port this launcher holds (an agent on the java command line) is the reason when
        // the daemon's log tells of a port in use, or there is no log to tell.
        String held = JvmOptions.heldPort(jvm.jvmOptions(), isDevNull(options.logFile()) ? null
                : LogTail.since(options.logFile(), logStart, 64 * 1024));
        if (held != null) {
            return held + " (" + failure + ")";
        }
        if (isDevNull(options.logFile())) {
            return failure;
        }
        String reason = StartFailureReason.fromLog(options.logFile(), logStart);
        return reason == null ? failure : reason + " (" + failure + ")";
    }

    private Report failed(String message, long logStart) {
        String tail = logTail(logStart);
        if (outOfThreads(message) || outOfThreads(tail)) {
            // The daemon's JVM, like the launcher's, runs into this user's process limit: the
            // same one line whichever of them ran out first.
            return Report.of(HelperProcess.processLimit(null));
        }
        StringBuilder text = new StringBuilder(message);
        if (!tail.isEmpty()) {
            text.append("\n").append(name()).append(": output in ").append(options.logFile())
                    .append(":\n").append(tail);
        } else if (!isDevNull(options.logFile())) {
            text.append(logFileSystemFull() ? " (nothing could be written to " + options.logFile()
                    + ": its file system is full)" : " (see " + options.logFile() + ")");
        }
        return Report.failed(text.toString(), ExitStatus.FAILED);
    }

    /** Whether a JVM said it could not create a thread (the process limit, not memory). */
    static boolean outOfThreads(String text) {
        return text.contains("OutOfMemoryError: unable to create native thread")
                || text.contains("OutOfMemoryError: unable to create new native thread")
                || text.contains("pthread_create failed (EAGAIN)");
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

    /**
     * What the daemon appended to the log since {@code start}: its last few lines without stack
     * frames ({@link StartFailureReason#context}), indented.
     */
    private String logTail(long start) {
        String text = LogTail.since(options.logFile(), start, 8192);
        if (text.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : StartFailureReason.context(text)) {
            out.append(out.length() == 0 ? "" : "\n").append("  ").append(line);
        }
        return out.toString();
    }

    /** Whether the log's file system has less than a block left (statvfs, no FileStore set up). */
    private boolean logFileSystemFull() {
        if (isDevNull(options.logFile())) {
            return false;
        }
        File dir = options.logFile().toAbsolutePath().getParent().toFile();
        long usable = dir.getUsableSpace();
        return usable < 4096 && dir.getTotalSpace() > 0;
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

    /**
     * Kills a daemon this launcher started that was not ready in time, and removes the pidfile
     * ({@code pidFile}, if not null) it may have written. {@code daemon} was taken when the
     * helper announced the PID: the JDK checks the process's start time before it signals, so
     * a PID that the daemon, dead meanwhile, left to another process is not signalled.
     */
    private static void killDaemon(ProcessHandle daemon, Path pidFile) {
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

