package io.jdaemon.internal.launch;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.handshake.Handshake;
import io.jdaemon.internal.handshake.LauncherEnd;
import io.jdaemon.internal.helper.HelperOutput;
import io.jdaemon.internal.os.Processes;
import java.io.IOException;
import java.time.Duration;

/** The launcher's wait for the daemon's outcome, bounded by the start timeout and its extensions. */
final class OutcomeWait {

    /** The most one {@code Daemon.extendStartTimeout} moves the deadline (or the start timeout, if longer). */
    static final java.time.Duration EXTENSION_STEP = java.time.Duration.ofMinutes(1);
    /** How much all extensions together add to the start timeout, at most. */
    static final java.time.Duration EXTENSIONS_LIMIT = java.time.Duration.ofHours(1);

    /**
     * The longest the launcher waits on its helper's output between two looks of its own at the
     * handshake and the daemon: a missed wake-up costs at most this.
     */
    static final long LOOK_NANOS = 1_000_000_000L;

    private OutcomeWait() {
    }

    /**
     * Waits for the daemon's outcome; a daemon that failed is waited for until it has exited.
     * Bounded by the start timeout, past which the daemon is killed. With the helper's
     * {@code watch}, blocks on its output, which wakes this thread when a file is renamed into
     * the handshake directory or the daemon exits, and looks at least every {@link #LOOK_NANOS}
     * anyway (the lines only wake: what counts is read and checked here); without it (no
     * inotify left), or once the helper is gone, polls for the outcome every millisecond and
     * for the daemon's death every 20.
     */
    static Handshake.Outcome await(DaemonOptions options, LauncherEnd listener, long pid,
            ProcessHandle daemon, long deadline, HelperOutput watch) throws IOException {
        long limit = System.nanoTime() + EXTENSIONS_LIMIT.toNanos() + options.startTimeout().toNanos();
        long lastExtension = 0;
        long seen = 0;
        for (int tick = 1; ; tick++) {
            Handshake.Outcome outcome = listener.poll(pid);
            if (outcome != null && outcome.kind() != Handshake.Outcome.Kind.FAILED) {
                return outcome;
            }
            boolean look = watch != null || tick % 20 == 0;
            if (look && !Processes.isAlive(pid)) {
                outcome = listener.poll(pid); // written just before it died?
                return outcome != null ? outcome : new Handshake.Outcome(Handshake.Outcome.Kind.DIED, "", pid);
            }
            long extended = look || System.nanoTime() - deadline > 0
                    ? listener.extendedDeadline() : 0; // Daemon.extendStartTimeout
            if (extended != 0 && extended != lastExtension) {
                lastExtension = extended;
                deadline = extendedDeadline(deadline, extended, limit, System.nanoTime(),
                        options.startTimeout());
            }
            if (System.nanoTime() - deadline > 0) {
                if (daemon != null) {
                    Launcher.killDaemon(daemon, options.pidFile());
                }
                if (outcome != null) {
                    return outcome; // failed, and now gone
                }
                throw new DaemonException("the daemon (pid " + pid + ") was not ready within "
                        + options.startTimeout().toSeconds() + " s and was killed; raise "
                        + "--start-timeout or see " + options.logFile(), ExitStatus.FAILED);
            }
            if (watch != null && watch.watching()) {
                long now = System.nanoTime();
                seen = watch.awaitEvent(seen, deadline - now < LOOK_NANOS ? deadline : now + LOOK_NANOS);
            } else {
                sleep(1);
            }
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
