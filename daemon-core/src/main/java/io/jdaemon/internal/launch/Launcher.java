package io.jdaemon.internal.launch;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.jvm.ProgramName;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.daemon.ServiceSide;
import io.jdaemon.internal.handshake.Handshake;
import io.jdaemon.internal.handshake.LauncherEnd;
import io.jdaemon.internal.helper.HelperOutput;
import io.jdaemon.internal.helper.HelperProcess;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.jvm.JvmOptions;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.os.UserAccount;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.pidfile.PidFile;
import io.jdaemon.internal.pidfile.StalePidFile;
import io.jdaemon.internal.pidfile.PidFileHandover;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.IOException;
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
            name = jvm != null ? ProgramName.of(jvm) : ProgramName.programName();
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
        StartChecks.checkOpenFiles(); // first: the count must not include the second thread's files
        // The helper is found, and the JDK's process class initialised, on a second thread while
        // this one checks the flags' files, writes the settings and reads the command line: the
        // JVM's start-up leaves a core idle.
        Preparation preparation = new Preparation();
        preparation.start();
        try {
            StartChecks checks = new StartChecks(options);
            UserAccount account = checks.account();
            Report running = checks.checkFiles(account, predecessor);
            if (running != null) {
                return running;
            }
            long logStart = report().logSize();
            Handshake.Settings settings = new Handshake.Settings(
                    options.pidFile() == null ? "" : options.pidFile().toString(),
                    options.logFile().toString(), options.sighup().name(), options.explicitReady(),
                    Processes.selfPid(), predecessor != null);
            jvm = recorded != null ? recorded : JvmCommandLine.current();
            // Options acting at JVM start act here too: a port the daemon would need is
            // refused before anything is spawned.
            JvmOptions.refuseListeningOptions(jvm.jvmOptions());
            List<String> jvmOptions = jvm.withJvmOptions(options.jvmOptions()).options(Handshake.MARKER);
            if (options.startupCache()) {
                // Before the service's own options: its -Xlog settings win over the cache's.
                List<String> cached = new ArrayList<>(StartupCache.plan(
                        jvm.withJvmOptions(options.jvmOptions()), options.pidFile(), account).options());
                cached.addAll(jvmOptions);
                jvmOptions = cached;
            }
            try (LauncherEnd listener = account == null
                    ? LauncherEnd.open(settings, jvmOptions, -1, -1)
                    : LauncherEnd.open(settings, jvmOptions, (int) account.uid(), (int) account.gid())) {
                return spawnAndAwait(listener, account, preparation, logStart);
            } catch (IOException e) {
                throw new DaemonException("cannot start the daemon: " + e, ExitStatus.FAILED, e);
            }
        } finally {
            preparation.finish(); // nothing it places is left half-written
        }
    }

    /** Runs the helper and waits for the daemon's outcome, given up (and cleaned up) on failure. */
    private Report spawnAndAwait(LauncherEnd listener, UserAccount account,
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
        Handshake.Outcome outcome = null;
        HelperOutput watch = null;
        try {
            HelperProcess.Detached detached = HelperProcess.detach(preparation.helper(), options,
                    account, daemonCommandLine(listener.address(), listener.jvmOptionsFile(), account),
                    deadline, spawned, predecessor == null ? null : predecessor.pid() + ":"
                            + predecessor.startTicks() + ":" + options.pidFile().toAbsolutePath(),
                    listener.address());
            pid = detached.pid();
            watch = detached.watch();
            ProcessHandle daemon = ProcessHandle.of(pid).orElse(null);
            spawned.set(daemon);
            listener.sweepLeftovers(); // while the daemon's JVM starts
            name(); // likewise: the report names the service
            outcome = OutcomeWait.await(options, listener, pid, daemon, deadline, watch);
        } finally {
            if (watch != null) {
                watch.close(); // the helper's first process, which watched the start
            }
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
                return report().logFileSystemFull() ? started.then(Report.notice("warning: the file system of "
                        + options.logFile() + " is full: the daemon's output is lost until space is "
                        + "freed (it then says in the log how much was lost)")) : started;
            case RUNNING:
                // Another launcher's daemon won the pidfile meanwhile: only if it is proven one.
                DaemonState status = DaemonState.of(options.pidFile());
                if (status.state() != DaemonStatus.State.RUNNING) {
                    return Report.failed("not started: the pidfile was taken meanwhile"
                            + (status.detail().isEmpty() ? "" : ": " + status.detail()), ExitStatus.FAILED);
                }
                return Report.said("already running, pid " + outcome.pid(), ExitStatus.OK);
            case FAILED:
                // A daemon out of threads (it inherited this launcher's limits) is named in
                // failed(): the same line as the launcher's own.
                return report().failed("failed to start: " + report().withLoggedReason(outcome.message(),
                        ServiceSide.EXITED_BEFORE_READY.equals(outcome.message()), logStart), logStart);
            default:
                return report().failed(report().withLoggedReason("the daemon (pid " + pid + ") exited before it "
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
        List<String> argv = new ArrayList<>(full.withPropertyAndArgFile(Handshake.MARKER, address, argFile));
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

    /** The failure reports of this start (the log's new lines, the reason). */
    private StartReport report() {
        return new StartReport(options, jvm, name());
    }

    /**
     * Kills a daemon this launcher started that was not ready in time, and removes the pidfile
     * ({@code pidFile}, if not null) it may have written. {@code daemon} was taken when the
     * helper announced the PID: the JDK checks the process's start time before it signals, so
     * a PID that the daemon, dead meanwhile, left to another process is not signalled.
     */
    static void killDaemon(ProcessHandle daemon, Path pidFile) {
        daemon.destroyForcibly();
        Processes.awaitExit(daemon.pid(), Duration.ofSeconds(2));
        if (pidFile != null) {
            try {
                StalePidFile.removeStale(pidFile);
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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs, and finds nothing left to do
        }
    }
}
