package io.jdaemon.internal.daemon;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.handshake.DaemonEnd;
import io.jdaemon.internal.os.LibC;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The SIGHUP policy inside the JVM. {@code default} needs nothing here: the JVM's own handler runs
 * the shutdown hooks and exits with 129 (and a HUP that was ignored at start stays ignored).
 * {@code ignore} and {@code reload} replace that handler. Reload reopens the log file, then runs
 * the registered callbacks, each isolated: one that throws is logged and the daemon goes on.
 *
 * <p>Of the signals a JVM leaves to applications, HUP and USR1 are free; TERM and INT run the
 * shutdown hooks; QUIT (thread dump) and USR2 belong to the JVM.
 */
public final class Signals {

    private static final List<Runnable> RELOAD_CALLBACKS = new CopyOnWriteArrayList<>();
    private static volatile String logFile;
    private static volatile SdNotify notify;
    /** Guards {@link #requested}: the reload requests (SIGHUPs) counted so far. */
    private static final Object STATE = new Object();
    private static long requested;
    private static Thread reloadThread;

    private Signals() {
    }

    /** Registers a callback run on every reload, in registration order. */
    public static void onReload(Runnable callback) {
        RELOAD_CALLBACKS.add(callback);
    }

    /**
     * Puts the policy in force in this JVM; before the pidfile is written, so that a SIGHUP sent
     * to the PID it names meets the policy, not the JVM's default (exit 129). Under reload with
     * a log, the native access the reopen needs is loaded here, once: a failure fails the start
     * rather than every later reload.
     *
     * @param log the log file to reopen on reload, or null when stdout is not a log (foreground)
     * @param sdNotify systemd's notifier, told about reloads; null when not under Type=notify
     * @throws DaemonException if the log could never be reopened (JNA cannot be loaded)
     */
    public static void install(DaemonOptions.Sighup policy, String log, SdNotify sdNotify) {
        switch (policy) {
            case IGNORE:
                Signal.handle(new Signal("HUP"), SignalHandler.SIG_IGN);
                break;
            case RELOAD:
                logFile = log == null || log.equals("/dev/null") ? null : log;
                notify = sdNotify;
                if (logFile != null) {
                    loadNativeAccess(logFile);
                }
                startReloadThread();
                Signal.handle(new Signal("HUP"), new SignalHandler() {
                    @Override
                    public void handle(Signal signal) {
                        requestReload();
                    }
                });
                break;
            default:
                break;
        }
    }

    /**
     * Makes SIGTERM run {@code first}, then the JVM's shutdown as the JVM's own handler does
     * (the shutdown hooks, exit 143). A no-op where the JVM leaves SIGTERM alone ({@code -Xrs})
     * or it was ignored at the JVM's start.
     */
    static void beforeShutdownOnTerm(Runnable first) {
        try {
            Signal.handle(new Signal("TERM"), new FirstThenExit(first));
        } catch (IllegalArgumentException e) {
            // the JVM does not hand SIGTERM to Java: its default stays
        }
    }

    /** Runs a task, then exits as SIGTERM does (start-up rule: no lambda; see StartupRulesIT). */
    private static final class FirstThenExit implements SignalHandler {
        private final Runnable first;

        FirstThenExit(Runnable first) {
            this.first = first;
        }

        @Override
        public void handle(Signal signal) {
            try {
                first.run();
            } finally {
                System.exit(128 + signal.getNumber());
            }
        }
    }

    /**
     * Under {@code --sighup=default}, until the daemon is ready: a SIGHUP still ends it as the
     * JVM's own handler does (shutdown hooks, exit 129), but the launcher is told that SIGHUP
     * was the cause. A no-op where SIGHUP was ignored at the JVM's start ({@code nohup}).
     *
     * @return what gives SIGHUP back to the JVM's handler, to run once ready
     */
    static Runnable reportHangupUntilReady(DaemonEnd reporter) {
        Signal hup = new Signal("HUP");
        SignalHandler previous;
        try {
            previous = Signal.handle(hup, new SignalHandler() {
                @Override
                public void handle(Signal signal) {
                    reporter.failed("the daemon received SIGHUP before it was ready, which ends it "
                            + "under --sighup=default (a terminal hangup, or a kill -HUP racing the "
                            + "start); use --sighup=reload or --sighup=ignore to survive it");
                    System.exit(128 + 1);
                }
            });
        } catch (IllegalArgumentException e) {
            return new HandlerBack(null, null); // the JVM keeps SIGHUP (-Xrs): nothing to report
        }
        return new HandlerBack(hup, previous);
    }

    /** Gives {@code signal} back to {@code handler}, if any (start-up rule: see StartupRulesIT). */
    private static final class HandlerBack implements Runnable {
        private final Signal signal;
        private final SignalHandler handler;

        HandlerBack(Signal signal, SignalHandler handler) {
            this.signal = signal;
            this.handler = handler;
        }

        @Override
        public void run() {
            if (signal != null) {
                Signal.handle(signal, handler);
            }
        }
    }

    private static void loadNativeAccess(String log) {
        try {
            LibC.load();
        } catch (RuntimeException | LinkageError e) {
            throw new DaemonException("--sighup=reload reopens " + log + " through JNA, whose native "
                    + "library cannot be loaded here (" + e + "); give JNA a directory it can "
                    + "extract to and execute from (-Djna.tmpdir=DIR, not on a noexec mount), or "
                    + "start without --sighup=reload", ExitStatus.NOT_CONFIGURED, e);
        }
    }

    /**
     * Starts the one thread that runs reloads, one at a time: a SIGHUP only counts a request
     * ({@link #requestReload}), so two signals close together cannot reopen the log at once,
     * and a request that arrives during a reload gets a reload of its own after it (requests
     * that arrive together share one). The thread's name publishes the progress
     * ({@link ReloadState}).
     */
    private static synchronized void startReloadThread() {
        if (reloadThread != null) {
            return;
        }
        reloadThread = new Thread(ReloadState.INITIAL) { // start-up rule: see StartupRulesIT
            @Override
            public void run() {
                runReloads();
            }
        };
        reloadThread.setDaemon(true);
        reloadThread.start();
    }

    /** Counts one reload request (a SIGHUP) for the reload thread. */
    static void requestReload() {
        synchronized (STATE) {
            requested++;
            STATE.notifyAll();
        }
    }

    private static void runReloads() {
        Thread self = Thread.currentThread();
        self.setName(ReloadState.INITIAL); // the kernel's copy (comm) is set by the thread itself
        long completed = 0;
        char last = 'k';
        while (true) {
            long upTo;
            synchronized (STATE) {
                while (requested == completed) {
                    try {
                        STATE.wait();
                    } catch (InterruptedException e) {
                        // not interruptible: reloads go on as long as the daemon
                    }
                }
                upTo = requested;
            }
            self.setName(ReloadState.name(upTo, completed, last));
            ReloadState.Result result;
            try {
                result = reload();
            } catch (RuntimeException | Error e) {
                result = ReloadState.Result.CALLBACK_FAILED;
            }
            completed = upTo;
            last = ReloadState.code(result);
            self.setName(ReloadState.name(upTo, completed, last));
        }
    }

    /**
     * What SIGHUP does under the reload policy, on the reload thread. Failures are logged through
     * SLF4J, or, when the application has no SLF4J provider, written to stderr, which is the log
     * ({@link LibraryLog}).
     *
     * @return what went wrong first, if anything
     */
    static ReloadState.Result reload() {
        ReloadState.Result result = ReloadState.Result.DONE;
        SdNotify sdNotify = notify;
        if (sdNotify != null) {
            sdNotify.reloading();
        }
        String file = logFile;
        if (file != null) {
            try {
                LibC.redirectStdoutAndStderr(file);
            } catch (IOException | RuntimeException | LinkageError e) {
                result = ReloadState.Result.LOG_NOT_REOPENED;
                LibraryLog.error(Signals.class, "reload: " + (e instanceof IOException ? e.getMessage()
                        : e.toString()) + "; output still goes to the previous log file", null);
            }
        }
        for (Runnable callback : RELOAD_CALLBACKS) {
            try {
                callback.run();
            } catch (Exception e) {
                if (result == ReloadState.Result.DONE) {
                    result = ReloadState.Result.CALLBACK_FAILED;
                }
                LibraryLog.error(Signals.class, "reload callback " + callback + " failed", e);
            }
        }
        if (sdNotify != null) {
            sdNotify.reloaded();
        }
        return result;
    }
}
