package io.jdaemon.internal.pidfile;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Removing a stale pidfile, one that no daemon holds (its daemon was killed): by a start that
 * finds it in its way, and by the control commands. Never a file another start put in its place
 * meanwhile, and never another user's file but the daemon's own user's, for root.
 */
public final class StalePidFile {

    private StalePidFile() {
    }

    /**
     * Deletes a stale pidfile: one that no process holds. Safe against a start that replaces it
     * meanwhile (that new file is left alone).
     *
     * @throws PidFile.HeldException if a live process holds it
     */
    public static void removeStale(Path path) throws PidFile.HeldException {
        removeStale(path, -1);
    }

    /**
     * As {@link #removeStale(Path)}, and a stale file owned by {@code alsoOwner} (not -1) is
     * removed too: the daemon's user's file, which root's control commands remove once its
     * daemon is gone (a {@code --user} daemon killed, its file left in its directory).
     */
    public static void removeStale(Path path, long alsoOwner) throws PidFile.HeldException {
        try {
            removeIfStale(path, alsoOwner);
        } catch (IOException e) {
            throw new DaemonException("cannot remove stale pidfile " + path + ": " + PidFile.reason(e)
                    + "; remove it by hand", ExitStatus.NOT_CONFIGURED, e);
        }
    }

    /**
     * Deletes a pidfile no daemon holds; returns normally if it is gone or was replaced meanwhile.
     * Removers take the file's exclusive lock, so two of them never delete each other's new file;
     * a file that only has read locks (nobody's daemon: a daemon holds a write lock from the
     * moment its file exists) is stale too, and deleted without it.
     */
    static void removeIfStale(Path path, long alsoOwner) throws IOException, PidFile.HeldException {
        BasicFileAttributes before;
        try {
            before = PidFile.attributes(path);
        } catch (NoSuchFileException e) {
            return;
        }
        PidFile.refuseOddFile(path, before);
        if (alsoOwner < 0 || ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .longValue() != alsoOwner) {
              PidFilePlacement.refuseForeignFile(path, TrustedPath.Identity.current());
        } else if (((Number) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() != 1) {
              PidFilePlacement.refuseForeignFile(path, TrustedPath.Identity.current()); // names the links
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            // A racing start that is itself removing the stale file holds the lock only for a
            // moment; a daemon holds it for good. Look several times before calling it running.
            for (int look = 0; ; look++) {
                FileLock lock = PidFile.tryLock(ch, false);
                if (lock != null || !PidFile.isLockedByOther(ch, true)) {
                    if (Objects.equals(before.fileKey(), PidFile.attributes(path).fileKey())) {
                        Files.delete(path);
                    }
                    if (lock != null) {
                        lock.release();
                    }
                    return;
                }
                if (!Objects.equals(before.fileKey(), keyOrNull(path))) {
                    return;
                }
                if (look >= 5) {
                    throw new PidFile.HeldException(PidFile.parse(PidFile.read(ch)));
                }
                PidFile.sleep(10);
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile
        }
    }

    private static Object keyOrNull(Path path) throws IOException {
        try {
            return PidFile.attributes(path).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
