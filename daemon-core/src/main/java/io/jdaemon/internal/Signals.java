package io.jdaemon.internal;

import io.jdaemon.DaemonOptions;
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

    /** The prefix of the lines written to stderr (the log) when SLF4J has no provider. */
    private static final List<Runnable> RELOAD_CALLBACKS = new CopyOnWriteArrayList<>();
    private static volatile String logFile;
    private static volatile SdNotify notify;

    private Signals() {
    }

    /** Registers a callback run on every reload, in registration order. */
    public static void onReload(Runnable callback) {
        RELOAD_CALLBACKS.add(callback);
    }

    /**
     * Puts the policy in force in this JVM.
     *
     * @param log the log file to reopen on reload, or null when stdout is not a log (foreground)
     * @param sdNotify systemd's notifier, told about reloads; null when not under Type=notify
     */
    public static void install(DaemonOptions.Sighup policy, String log, SdNotify sdNotify) {
        switch (policy) {
            case IGNORE:
                Signal.handle(new Signal("HUP"), SignalHandler.SIG_IGN);
                break;
            case RELOAD:
                logFile = log == null || log.equals("/dev/null") ? null : log;
                notify = sdNotify;
                Signal.handle(new Signal("HUP"), new SignalHandler() {
                    @Override
                    public void handle(Signal signal) {
                        reload();
                    }
                });
                break;
            default:
                break;
        }
    }

    /**
     * What SIGHUP does under the reload policy. Failures are logged through SLF4J, or, when the
     * application has no SLF4J provider, written to stderr, which is the log ({@link LibraryLog}).
     */
    static void reload() {
        SdNotify sdNotify = notify;
        if (sdNotify != null) {
            sdNotify.reloading();
        }
        String file = logFile;
        if (file != null) {
            try {
                LibC.redirectStdoutAndStderr(file);
            } catch (IOException | RuntimeException | LinkageError e) {
                LibraryLog.error(Signals.class, "reload: " + (e instanceof IOException ? e.getMessage()
                        : e.toString()) + "; output still goes to the previous log file", null);
            }
        }
        for (Runnable callback : RELOAD_CALLBACKS) {
            try {
                callback.run();
            } catch (Exception e) {
                LibraryLog.error(Signals.class, "reload callback " + callback + " failed", e);
            }
        }
        if (sdNotify != null) {
            sdNotify.reloaded();
        }
    }
}
