package io.jdaemon.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The rule for an existing file the library appends to or replaces, the log and the pidfile
 * (logrotate's and start-stop-daemon's): it must belong to the user who opens it or to root, and
 * have one hard link; otherwise another user planted it, or it is another file under a second
 * name. Checked by path before the helper runs, and on the open descriptor (through
 * {@code /proc/self/fd/N}) when the daemon reopens its log; the helper applies the same rule to
 * the descriptor it opens.
 */
public final class ExistingFile {

    private ExistingFile() {
    }

    /**
     * Why {@code opener} must not use the existing file {@code file} (a link itself if not
     * {@code follow}), as a phrase such as "has 2 hard links, ...", or null if it may.
     */
    public static String foreign(Path file, boolean follow, TrustedPath.Identity opener) throws IOException {
        LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        int links = ((Number) Files.getAttribute(file, "unix:nlink", options)).intValue();
        if (links != 1) {
            return "has " + links + " hard links, so it is also another file";
        }
        int owner = ((Number) Files.getAttribute(file, "unix:uid", options)).intValue();
        if (owner != 0 && owner != opener.uid) {
            return "belongs to " + Files.getOwner(file, options).getName() + ", not to this user or root";
        }
        return null;
    }
}
