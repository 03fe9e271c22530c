package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The re-executed side: this JVM was started by the helper with the marker property, already
 * detached (new session, no terminal), in its working directory, with its umask, signal
 * dispositions and stdio set. Here the daemon connects back to the launcher, takes the settings
 * the launcher resolved, creates and locks the pidfile, puts the SIGHUP policy in force, and
 * reports readiness: at once, or when the service calls {@code Daemon.ready()}. The pidfile's
 * lock lasts as long as the process; the file is deleted after the shutdown hooks have run.
 */
public final class DaemonSide {

    /** The marker system property: its value is the launcher's readiness socket. */
    public static final String MARKER = "jdaemon.launcher";

    private static volatile DaemonSide current;

    private final Readiness.Reporter reporter;
    private final Thread mainThread;
    private final Thread.UncaughtExceptionHandler previousHandler;
    private final Thread.UncaughtExceptionHandler failStart = this::uncaught;

    private DaemonSide(Readiness.Reporter reporter) {
        this.reporter = reporter;
        this.mainThread = Thread.currentThread();
        this.previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    }

    /**
     * Finishes the daemon's setup. Returns when the daemon goes on to run the service; exits
     * the JVM when it must not (another daemon holds the pidfile, the setup failed).
     *
     * @param address the marker property's value
     */
    public static void complete(String address) {
        System.clearProperty(MARKER);
        Readiness.Reporter reporter;
        Readiness.Settings settings;
        long pid = ProcessHandle.current().pid();
        try {
            reporter = Readiness.Reporter.connect(address);
            settings = reporter.hello(pid);
        } catch (IOException | RuntimeException e) {
            throw new DaemonException("no daemon launcher is waiting at " + address + " (-D" + MARKER
                    + " is set by the --daemon launcher only; remove it from the command line)",
                    ExitStatus.USAGE, e);
        }
        PidFile pidFile = null;
        try {
            if (!settings.pidFile().isEmpty()) {
                pidFile = PidFile.acquire(Path.of(settings.pidFile()), pid);
            }
        } catch (PidFile.HeldException e) {
            reporter.running(e.pid());
            System.exit(ExitStatus.OK);
        } catch (RuntimeException e) {
            reporter.failed(String.valueOf(e.getMessage()));
            System.exit(ExitStatus.FAILED);
        }
        if (pidFile != null) {
            // Deleted after every shutdown hook has run: the pidfile is the last thing to go.
            pidFile.path().toFile().deleteOnExit();
        }
        Signals.install(DaemonOptions.Sighup.valueOf(settings.sighup()), settings.logFile());
        DaemonSide side = new DaemonSide(reporter);
        current = side;
        Runtime.getRuntime().addShutdownHook(new Thread(side::exiting, "jdaemon-exit"));
        if (settings.explicitReady()) {
            Thread.setDefaultUncaughtExceptionHandler(side.failStart);
        } else {
            side.signalReady();
        }
    }

    /** Reports readiness to the launcher, once; a no-op outside a daemon being started. */
    public static void ready() {
        DaemonSide side = current;
        if (side != null) {
            side.signalReady();
        }
    }

    private void signalReady() {
        synchronized (reporter) {
            if (reporter.done()) {
                return;
            }
            if (Thread.getDefaultUncaughtExceptionHandler() == failStart) {
                Thread.setDefaultUncaughtExceptionHandler(previousHandler);
            }
            reporter.ready();
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
        if (thread == mainThread && !reporter.done()) {
            reporter.failed(error.toString());
            System.exit(ExitStatus.FAILED);
        }
    }

    /** Shutdown hook: a daemon leaving before readiness reports it. */
    private void exiting() {
        reporter.failed("the daemon exited before it was ready");
    }
}
