package io.jdaemon.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The rule for an existing log file (logrotate's and start-stop-daemon's): it must be this user's
 * or root's, and have one hard link; otherwise another user planted it, or it is another file
 * under a second name, and appending to it would write into a file the operator did not choose.
 * The helper applies the same rule to the descriptor it opens.
 */
final class LogFile {

    private LogFile() {
    }

    /** Why {@code opener} must not append to the existing file {@code log}, or null. */
    static String foreign(Path log, TrustedPath.Identity opener) {
        try {
            int links = ((Number) Files.getAttribute(log, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
            if (links != 1) {
                return "log file " + log + " has " + links + " hard links, so it is also another "
                        + "file; remove it or choose another --log";
            }
            if (!opener.trustedOwner(log)) {
                return "log file " + log + " belongs to "
                        + Files.getOwner(log, LinkOption.NOFOLLOW_LINKS).getName()
                        + ", not to this user or root; remove it or choose another --log";
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // the helper checks the descriptor it opens
        }
    }
}
