package io.jdaemon.internal.pidfile;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.helper.HelperControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Moves a pidfile from the running daemon to its successor in one step: the successor's file,
 * written and locked beside it ({@link PidFile#acquireAside}), renamed over the old one
 * ({@code rename(2)} replaces it), so that a reader finds the old daemon's file or the new one's,
 * never none. The old daemon, when it exits, finds another file at its path and leaves it.
 */
public final class PidFileHandover {

    private PidFileHandover() {
    }

    /**
     * Renames daemon {@code pid}'s file into place at {@code pidFile}, once the helper has seen
     * that {@code pid} holds its lock, that it names {@code pid}, has one link and belongs to
     * {@code owner}. The pidfile's directory was checked as trusted when the daemon wrote it:
     * only root and its user can change the names in it.
     *
     * @throws DaemonException (exit 1) if the file is not as the successor wrote it
     */
    public static void takeOver(Path pidFile, long pid, long owner) {
        Path aside = PidFile.aside(pidFile, pid);
        HelperControl.Lock lock = HelperControl.query(aside);
        String problem = !lock.exists() ? "is gone"
                : !lock.posixLocked() || lock.holder() != pid ? "is not locked by pid " + pid
                : lock.content() != pid ? "does not name pid " + pid
                : lock.links() != 1 ? "has " + lock.links() + " hard links"
                : lock.owner() != owner ? "belongs to uid " + lock.owner() + ", not to uid " + owner
                : null;
        if (problem != null) {
            throw new DaemonException("the new daemon's pidfile " + aside + " " + problem
                    + "; not moving it to " + pidFile, ExitStatus.FAILED);
        }
        try {
            Files.move(aside, pidFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DaemonException("cannot move the new daemon's pidfile " + aside + " to "
                    + pidFile + ": " + e, ExitStatus.FAILED, e);
        }
    }
}
