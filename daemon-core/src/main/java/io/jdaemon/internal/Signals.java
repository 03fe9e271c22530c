package io.jdaemon.internal;

import io.jdaemon.DaemonOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /** What SIGHUP does under the reload policy. */
    static void reload() {
        Logger log = LoggerFactory.getLogger(Signals.class);
        SdNotify sdNotify = notify;
        if (sdNotify != null) {
            sdNotify.reloading();
        }
        String file = logFile;
        if (file != null) {
            try {
                LibC.redirectStdoutAndStderr(file);
            } catch (RuntimeException | LinkageError e) {
                log.error("reload: cannot reopen log file {}: {}", file, e.toString());
            }
        }
        for (Runnable callback : RELOAD_CALLBACKS) {
            try {
                callback.run();
            } catch (Exception e) {
                log.error("reload callback {} failed", callback, e);
            }
        }
        if (sdNotify != null) {
            sdNotify.reloaded();
        }
    }
}
