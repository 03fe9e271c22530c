package io.jdaemon.internal.daemon;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.handshake.DaemonEnd;
import io.jdaemon.internal.handshake.Handshake;
import io.jdaemon.internal.handshake.StartFailureReason;
import io.jdaemon.internal.listen.Listener;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.pidfile.PidFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The side that runs the service, once it is settled where it will run.
 *
 * <p>Either the re-executed daemon: this JVM was started by the helper with the marker property,
 * already detached (new session, no terminal), in its working directory, with its umask, signal
 * dispositions and stdio set. Here it connects back to the launcher and takes the settings the
 * launcher resolved. Or a service that stays in the foreground ({@link Foreground}): under
 * systemd's {@code Type=notify}, or as PID 1 of a container, where detaching would be wrong.
 *
 * <p>Both then put the SIGHUP policy in force, create and lock the pidfile (the lock lasts as
 * long as the process; the file is deleted after the shutdown hooks have run) and report
 * readiness, to the launcher or to systemd: at once, or when the service calls
 * {@code Daemon.ready()}.
 */
public final class ServiceSide {

    /** The failure a daemon reports when it exits before it was ready, without a reason. */
    public static final String EXITED_BEFORE_READY = "the daemon exited before it was ready";
    /**
     * The daemon JVM's property with the launcher's one line for the log about the startup cache
     * (training, or why none is used); see {@code StartupCache}.
     */
    public static final String STARTUP_CACHE_NOTE = "jdaemon.startupCache.note";

    private static volatile ServiceSide current;
    /** Gives SIGHUP back to the JVM once ready (see {@link Signals#reportHangupUntilReady}). */
    private static volatile Runnable hangupBeforeReady;

    private final DaemonEnd reporter;
    private final SdNotify notify;
    private final Thread mainThread;
    private final Thread.UncaughtExceptionHandler previousHandler;
    private final Thread.UncaughtExceptionHandler failStart = new Thread.UncaughtExceptionHandler() {
        @Override
        public void uncaughtException(Thread thread, Throwable error) {
            uncaught(thread, error);
        }
    };
    private boolean ready;

    private ServiceSide(DaemonEnd reporter, SdNotify notify) {
        this.reporter = reporter;
        this.notify = notify;
        this.mainThread = Thread.currentThread();
        this.previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    }

    /**
     * Finishes the re-executed daemon's setup. Returns when the daemon goes on to run the
     * service; exits the JVM when it must not (another daemon holds the pidfile, the setup
     * failed).
     *
     * @param address the marker property's value
     */
    public static void complete(String address) {
        System.clearProperty(Handshake.MARKER);
        DaemonEnd reporter;
        Handshake.Settings settings;
        long pid = Processes.selfPid();
        try {
            reporter = DaemonEnd.connect(address);
            settings = reporter.hello(pid);
        } catch (IOException | RuntimeException e) {
            throw new DaemonException("no daemon launcher is waiting at " + address + " (" + e
                    + "): it was killed before the daemon started, or -D" + Handshake.MARKER + " was set by "
                    + "hand (only the --daemon launcher sets it; remove it from the command line)",
                    ExitStatus.USAGE, e);
        }
        if (!settings.logFile().equals("/dev/null")) {
            LostOutput.install(); // output a full file system drops is counted and announced
        }
        String cacheNote = System.getProperty(STARTUP_CACHE_NOTE);
        if (cacheNote != null) {
            System.clearProperty(STARTUP_CACHE_NOTE);
            LibraryLog.warn(ServiceSide.class, cacheNote);
        }
        DaemonOptions.Sighup policy = sighupNamed(settings.sighup());
        try {
            // Before the pidfile names this process: a SIGHUP sent to that PID meets the policy.
            Signals.install(policy, settings.logFile(), null);
        } catch (RuntimeException e) {
            reporter.failed(e instanceof DaemonException ? e.getMessage() : "cannot set up the daemon: " + e);
            System.exit(e instanceof DaemonException ? ((DaemonException) e).exitCode() : ExitStatus.FAILED);
        }
        if (policy == DaemonOptions.Sighup.DEFAULT) {
            hangupBeforeReady = Signals.reportHangupUntilReady(reporter);
        }
        if (Listener.atFdZero()) {
            Signals.beforeShutdownOnTerm(new StopAccepting());
        }
        PidFile pidFile = null;
        try {
            if (!settings.pidFile().isEmpty()) {
                pidFile = settings.successor() ? PidFile.acquireAside(Path.of(settings.pidFile()), pid)
                        : PidFile.acquire(Path.of(settings.pidFile()), pid);
            }
        } catch (PidFile.HeldException e) {
            reporter.running(e.pid());
            System.exit(ExitStatus.OK);
        } catch (RuntimeException e) {
            reporter.failed(String.valueOf(e.getMessage()));
            System.exit(ExitStatus.FAILED);
        }
        try {
            start(new ServiceSide(reporter, null), pidFile, settings.explicitReady());
        } catch (RuntimeException e) {
            if (pidFile != null) {
                pidFile.release();
            }
            reporter.failed("cannot set up the daemon: " + e);
            System.exit(ExitStatus.FAILED);
        }
    }

    /**
     * The policy of this name; not {@code Sighup.valueOf} (start-up rule: see StartupRulesIT).
     */
    private static DaemonOptions.Sighup sighupNamed(String name) {
        for (DaemonOptions.Sighup policy : DaemonOptions.Sighup.values()) {
            if (policy.name().equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unknown SIGHUP policy " + name);
    }

    /**
     * Puts a service that stays in the foreground under systemd's {@code Type=notify} in force:
     * the pidfile (if any; the SIGHUP policy was put in force before it), and readiness and stop
     * notifications to systemd.
     */
    static void supervise(SdNotify notify, PidFile pidFile, boolean explicitReady) {
        start(new ServiceSide(null, notify), pidFile, explicitReady);
    }

    private static void start(ServiceSide side, PidFile pidFile, boolean explicitReady) {
        current = side;
        Runtime.getRuntime().addShutdownHook(new Thread("jdaemon-exit") {
            @Override
            public void run() {
                if (pidFile != null) {
                    // Deleted after every shutdown hook has run (the pidfile is the last thing to
                    // go), if it is still this daemon's: a restart may have put its successor's
                    // in its place.
                    pidFile.deleteOnExitIfOurs();
                }
                side.exiting();
            }
        });
        if (explicitReady) {
            Thread.setDefaultUncaughtExceptionHandler(side.failStart);
        } else {
            side.signalReady();
        }
    }

    /** Reports readiness, once; a no-op when nobody waits for it. */
    public static void ready() {
        ServiceSide side = current;
        if (side != null) {
            side.signalReady();
        }
    }

    /**
     * The service cannot start ({@code Daemon.failed}): its stack trace to stderr, the root cause
     * to the launcher (or systemd's status line), then the JVM exits 1 on a thread of its own.
     */
    public static void failed(Throwable cause) {
        cause.printStackTrace();
        String reason = StartFailureReason.of(cause);
        ServiceSide side = current;
        if (side != null) {
            side.fail(reason);
        }
        Thread exit = new Thread(() -> System.exit(ExitStatus.FAILED), "jdaemon-failed");
        exit.start();
    }

    private synchronized void fail(String reason) {
        if (reporter != null) {
            reporter.failed(reason);
        }
        if (notify != null && !ready) {
            notify.status("failed to start: " + reason);
        }
    }

    /** Sends a status line to systemd under {@code Type=notify}; a no-op otherwise. */
    public static void systemdStatus(String text) {
        ServiceSide side = current;
        if (side != null && side.notify != null) {
            side.notify.status(text);
        }
    }

    /**
     * Before readiness, asks whoever waits for it to wait {@code micros} more from now: the
     * launcher of {@code --daemon} moves its deadline, systemd gets {@code EXTEND_TIMEOUT_USEC=}.
     * A no-op once ready, and when nobody waits.
     */
    public static void extendStartTimeout(long micros) {
        ServiceSide side = current;
        if (side != null) {
            side.extend(micros);
        }
    }

    private synchronized void extend(long micros) {
        if (ready) {
            return;
        }
        if (reporter != null) {
            reporter.extend(System.nanoTime() + micros * 1000);
        }
        if (notify != null) {
            notify.extendTimeout(micros);
        }
    }

    private synchronized void signalReady() {
        if (ready) {
            return;
        }
        ready = true;
        if (hangupBeforeReady != null) {
            hangupBeforeReady.run(); // SIGHUP is the JVM's again: exit 129
        }
        if (Thread.getDefaultUncaughtExceptionHandler() == failStart) {
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        }
        if (reporter != null) {
            reporter.ready();
        }
        if (notify != null) {
            notify.ready();
        }
    }

    /** Before readiness, an exception escaping {@code main} fails the start. */
    private void uncaught(Thread thread, Throwable error) {
        if (previousHandler != null) {
            previousHandler.uncaughtException(thread, error);
        } else {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            error.printStackTrace();
        }
        boolean failsStart;
        synchronized (this) {
            failsStart = thread == mainThread && !ready;
        }
        if (failsStart) {
            if (reporter != null) {
                reporter.failed(StartFailureReason.of(error));
            }
            System.exit(ExitStatus.FAILED);
        }
    }

    /** Shutdown hook: tells the launcher if the daemon was never ready, systemd that it stops. */
    private void exiting() {
        if (reporter != null) {
            reporter.failed(EXITED_BEFORE_READY);
        }
        if (notify != null) {
            notify.stopping();
        }
    }
}
