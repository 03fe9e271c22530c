package io.jdaemon.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The ownership rule for every directory this library creates files in or executes from (as
 * OpenSSH's StrictModes, logrotate and start-stop-daemon do): the directory and each of its
 * ancestors, and each symbolic link met on the way, must belong to root or to this process's
 * user, and no directory may be writable by others, or by a group other than root's or this
 * process's own, unless it has the sticky bit (as {@code /tmp}). Then no other local user can
 * rename, replace or redirect anything on the path between a check and its use, so path
 * operations on it are as safe as descriptor operations.
 *
 * <p>The walk resolves symbolic links itself (at most 40), checking each link's owner, so a link
 * another user planted in a sticky directory is refused rather than followed.
 */
public final class TrustedPath {

    private static final int MAX_LINKS = 40;

    private TrustedPath() {
    }

    /**
     * Why another user could change what {@code dir} names, or null if nobody but root and this
     * user can: see the class comment. A directory that does not exist is reported as such.
     *
     * @param dir an absolute or relative path of a directory; relative paths are taken from the
     *     working directory
     */
    public static String untrusted(Path dir) {
        return untrusted(dir, Identity.current());
    }

    /**
     * As {@link #untrusted(Path)}, for files that {@code self} will open: with {@code --user}, the
     * daemon's user, whose own directories it may trust (it could change its files anyway).
     */
    public static String untrusted(Path dir, Identity self) {
        Deque<Path> pending = new ArrayDeque<>();
        Path start = dir.toAbsolutePath().normalize();
        for (Path name : start) {
            pending.add(name);
        }
        Path current = start.getRoot();
        String problem = check(current, self, null);
        int links = 0;
        while (problem == null && !pending.isEmpty()) {
            Path name = pending.removeFirst();
            if (name.toString().equals("..")) {
                current = current.getParent() == null ? current : current.getParent();
                continue;
            }
            if (name.toString().equals(".")) {
                continue;
            }
            Path next = current.resolve(name);
            FileModes.Stat stat;
            try {
                stat = FileModes.stat(next);
            } catch (NoSuchFileException e) {
                return next + " does not exist";
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "cannot check " + next + ": " + e;
            }
            if (stat.isLink()) {
                if (stat.uid != 0 && stat.uid != self.uid) {
                    return next + " is a symbolic link owned by " + ownerName(next)
                            + ", who could point it anywhere";
                }
                if (++links > MAX_LINKS) {
                    return next + ": too many levels of symbolic links";
                }
                Path target;
                try {
                    target = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    return "cannot read symbolic link " + next + ": " + e;
                }
                Deque<Path> spliced = new ArrayDeque<>();
                for (Path part : target) {
                    spliced.add(part);
                }
                while (!spliced.isEmpty()) {
                    pending.addFirst(spliced.removeLast());
                }
                if (target.isAbsolute()) {
                    current = target.getRoot();
                    problem = check(current, self, null);
                }
                continue;
            }
            if (!stat.isDirectory()) {
                return next + " is not a directory";
            }
            current = next;
            problem = check(current, self, stat);
        }
        return problem;
    }

    /**
     * The owner and write-permission rule for one directory; null if it holds.
     *
     * @param stat the directory's, if the walk has it; else read here
     */
    private static String check(Path dir, Identity self, FileModes.Stat stat) {
        try {
            stat = stat != null ? stat : FileModes.stat(dir);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot check " + dir + ": " + e;
        }
        if (stat.uid != 0 && stat.uid != self.uid) {
            return dir + " belongs to " + ownerName(dir) + ", who could replace what is in it";
        }
        boolean sticky = (stat.mode & 01000) != 0;
        if ((stat.mode & 0002) != 0 && !sticky) {
            return dir + " is writable by every user and has no sticky bit";
        }
        if ((stat.mode & 0020) != 0 && !sticky && stat.gid != 0 && stat.gid != self.gid) {
            return dir + " is writable by group " + groupName(dir) + " and has no sticky bit";
        }
        return null;
    }

    private static String ownerName(Path path) {
        try {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "another user";
        }
    }

    private static String groupName(Path path) {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "of another user";
        }
    }

    /** A user and group that files are opened as: this process's, or the daemon's. */
    public static final class Identity {
        private static volatile Identity current;

        public final int uid;
        final int gid;

        private Identity(int uid, int gid) {
            this.uid = uid;
            this.gid = gid;
        }

        /** The user and group with these ids. */
        public static Identity of(long uid, long gid) {
            return new Identity((int) uid, (int) gid);
        }

        /**
         * From {@code /proc/self}, whose directory belongs to the process's effective uid and
         * gid; without /proc, from a file this process creates.
         */
        public static Identity current() {
            Identity self = current;
            if (self == null) {
                // Java cannot change its process's user: found once.
                current = self = ofProcess();
            }
            return self;
        }

        private static Identity ofProcess() {
            try {
                Map<String, Object> ids = Files.readAttributes(Path.of("/proc/self"), "unix:uid,gid");
                return new Identity(((Number) ids.get("uid")).intValue(), ((Number) ids.get("gid")).intValue());
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return fromNewFile();
            }
        }

        private static Identity fromNewFile() {
            Path probe = null;
            try {
                probe = Files.createTempFile("jdaemon-id", null);
                return new Identity(((Number) Files.getAttribute(probe, "unix:uid")).intValue(),
                        ((Number) Files.getAttribute(probe, "unix:gid")).intValue());
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return new Identity(-1, -1); // unknown: only root-owned paths are trusted
            } finally {
                if (probe != null) {
                    try {
                        Files.deleteIfExists(probe);
                    } catch (IOException ignored) {
                        // a temp file
                    }
                }
            }
        }

        /** Whether the path (not followed) belongs to root or to this user. */
        public boolean trustedOwner(Path path) {
            try {
                int owner = ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                        .intValue();
                return owner == 0 || owner == uid;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return false;
            }
        }

        public boolean isRoot() {
            return uid == 0;
        }
    }
}
