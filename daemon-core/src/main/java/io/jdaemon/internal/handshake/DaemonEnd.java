package io.jdaemon.internal.handshake;

import static io.jdaemon.internal.handshake.Handshake.EXTEND;
import static io.jdaemon.internal.handshake.Handshake.FAILED;
import static io.jdaemon.internal.handshake.Handshake.JVM_OPTIONS;
import static io.jdaemon.internal.handshake.Handshake.OUTCOME;
import static io.jdaemon.internal.handshake.Handshake.READY;
import static io.jdaemon.internal.handshake.Handshake.RUNNING;
import static io.jdaemon.internal.handshake.Handshake.SETTINGS;
import static io.jdaemon.internal.handshake.Handshake.decode;
import static io.jdaemon.internal.handshake.Handshake.join;
import static io.jdaemon.internal.handshake.HandshakeFiles.removeDirectory;
import static io.jdaemon.internal.handshake.HandshakeFiles.write;

import io.jdaemon.internal.handshake.Handshake.Settings;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The daemon's end of the handshake: takes the launcher's settings, reports one outcome. */
public final class DaemonEnd {
    private final Path dir;
    private long pid;
    private long launcherPid;
    private boolean done;

    private DaemonEnd(Path dir) {
        this.dir = dir;
    }

    /**
     * The launcher's directory at {@code address}: a directory of this user's that nobody
     * else can enter, holding the settings.
     *
     * @throws IOException if there is none
     */
    public static DaemonEnd connect(String address) throws IOException {
        Path dir = Path.of(address);
        FileModes.Stat stat = FileModes.stat(dir);
        if (!stat.isDirectory() || stat.uid != TrustedPath.Identity.current().uid
                || stat.permissions() != 0700) {
            throw new IOException(dir + " is not a private directory of this user's");
        }
        if (!FileModes.stat(dir.resolve(SETTINGS)).isRegularFile()) {
            throw new NoSuchFileException(dir.resolve(SETTINGS).toString());
        }
        return new DaemonEnd(dir);
    }

    /**
     * Takes the launcher's settings for the daemon with this PID.
     *
     * @throws IOException if the launcher is gone: a launcher that was killed before its
     *     daemon ran means the start was given up, so the daemon must not go on
     */
    public Settings hello(long daemonPid) throws IOException {
        // Its JVM has read its options: nobody reads them again.
        Files.deleteIfExists(dir.resolve(JVM_OPTIONS));
        Settings settings = decode(Files.readAllBytes(dir.resolve(SETTINGS)));
        this.pid = daemonPid;
        this.launcherPid = settings.launcherPid();
        if (!Processes.isAlive(launcherPid)) {
            removeDirectory(dir);
            throw new IOException("the launcher, pid " + launcherPid + ", is gone");
        }
        return settings;
    }

    /** Reports readiness. */
    public synchronized void ready() {
        finish(READY, null, 0);
    }

    /** Reports a failure with its reason. */
    public synchronized void failed(String reason) {
        finish(FAILED, reason, 0);
    }

    /** Reports that another daemon holds the pidfile. */
    public synchronized void running(long holder) {
        finish(RUNNING, null, holder);
    }

    /**
     * Asks the launcher to wait until {@code deadline} (a {@code System.nanoTime()}, the
     * monotonic clock both JVMs share) before it gives up; a no-op once an outcome was
     * reported.
     */
    public synchronized void extend(long deadline) {
        if (done) {
            return;
        }
        try {
            write(dir, EXTEND, join(Long.toString(deadline)));
        } catch (IOException | RuntimeException e) {
            // The launcher is gone: nobody waits.
        }
    }

    /** Whether an outcome was reported. */
    public synchronized boolean done() {
        return done;
    }

    private void finish(String kind, String message, long holder) {
        if (done) {
            return;
        }
        done = true;
        try {
            String detail = "";
            if (FAILED.equals(kind)) {
                detail = message.length() > 16000 ? message.substring(0, 16000) : message;
            } else if (RUNNING.equals(kind)) {
                detail = Long.toString(holder);
            }
            write(dir, OUTCOME, join(kind, Long.toString(pid), detail));
            if (!Processes.isAlive(launcherPid)) {
                removeDirectory(dir); // a launcher that was killed cannot remove it
            }
        } catch (IOException | RuntimeException e) {
            // The launcher is gone and removed its directory: carry on without it.
        }
    }
}
