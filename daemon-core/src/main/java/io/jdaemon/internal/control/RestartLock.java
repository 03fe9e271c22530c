package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.pidfile.LaunchRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One restart of a pidfile's daemon at a time, for this user: two restarts at once would each
 * start a new daemon, and the one whose pidfile lost the rename would run on unseen. The lock is
 * a file beside the launch record (the user's private directory), held from before the running
 * daemon is read until the restart has its outcome; a second restart waits for it, bounded, and
 * then restarts the daemon the first one started. The kernel drops the lock when the holder
 * exits, however it exits.
 */
final class RestartLock implements AutoCloseable {

    private static final long POLL_MS = 50;

    private final FileChannel channel;

    private RestartLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the lock of {@code pidFile}'s restarts, waiting up to {@code limit} for a restart
     * under way; null where there is no private directory to keep it (the restart goes on
     * unserialised, as before the lock existed).
     *
     * @throws DaemonException if another restart still holds it after {@code limit}
     */
    static RestartLock take(Path pidFile, Duration limit) {
        FileChannel channel;
        try {
            channel = FileChannel.open(LaunchRecord.restartLockFile(pidFile), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new RestartLock(channel);
                }
                if (System.nanoTime() - deadline > 0) {
                    break;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(channel);
        throw new DaemonException("another restart of " + pidFile + " is still under way after "
                + limit.toSeconds() + " s; nothing was done: try again once it has finished",
                ExitStatus.FAILED);
    }

    @Override
    public void close() {
        closeQuietly(channel); // releases the lock
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the lock goes with the descriptor either way
        }
    }
}
