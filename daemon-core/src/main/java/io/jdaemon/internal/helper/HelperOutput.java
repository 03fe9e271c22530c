package io.jdaemon.internal.helper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The helper's output, read on a thread of its own: the detach's lines (its {@code pid N} and
 * its errors) until its {@link HelperProtocol#WATCHING} line or the output's end; then, while
 * the daemon starts, one wake-up per line, so that the launcher blocks on this object's monitor
 * instead of polling the handshake directory.
 */
public final class HelperOutput extends Thread {

    private final Process process;
    private final ByteArrayOutputStream detach = new ByteArrayOutputStream();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean done;
    private boolean watching;
    private long events;

    HelperOutput(Process process) {
        super("jdaemon-helper-output");
        setDaemon(true);
        this.process = process;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[4096];
        try (InputStream stream = process.getInputStream()) {
            for (int n; (n = stream.read(buffer)) > 0; ) {
                take(buffer, n);
            }
        } catch (IOException e) {
            // the helper was killed: what was read so far stands
        } finally {
            synchronized (this) {
                if (!watching) {
                    detach.write(line.toByteArray(), 0, line.size()); // a last line without newline
                }
                done = true;
                notifyAll();
            }
        }
    }

    private synchronized void take(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (watching) {
                if (b == '\n') {
                    events++;
                    notifyAll();
                }
            } else if (b != '\n') {
                line.write(b);
            } else if (HelperProtocol.WATCHING.equals(
                    new String(line.toByteArray(), StandardCharsets.UTF_8))) {
                watching = true;
                notifyAll();
            } else {
                line.write('\n');
                detach.write(line.toByteArray(), 0, line.size());
                line.reset();
            }
        }
    }

    /**
     * The detach's output once it is over (the output ended, or the helper watches the start),
     * or null if {@code deadline} (a {@code System.nanoTime()}) passed first.
     */
    synchronized String awaitDetach(long deadline) {
        boolean interrupted = false;
        try {
            while (!done && !watching) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                interrupted |= waitAtMost(left);
            }
            return soFar();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The detach's output read so far. */
    synchronized String soFar() {
        return new String(detach.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Whether the helper watches the daemon's start and still tells of it. */
    public synchronized boolean watching() {
        return watching && !done;
    }

    /**
     * Waits until the helper tells of more than {@code seen} events, its output ends, or
     * {@code until} (a {@code System.nanoTime()}) passes.
     *
     * @return the number of events told so far
     */
    public synchronized long awaitEvent(long seen, long until) {
        boolean interrupted = false;
        try {
            while (events == seen && !done) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                interrupted |= waitAtMost(left);
            }
            return events;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the watch: the helper is stopped (SIGTERM), so its output ends too. */
    public void close() {
        process.destroy();
    }

    /** One wait on the monitor, at most {@code nanos}; true if it was interrupted. */
    private boolean waitAtMost(long nanos) {
        try {
            wait(Math.max(1, nanos / 1_000_000));
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
