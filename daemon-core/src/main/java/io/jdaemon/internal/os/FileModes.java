package io.jdaemon.internal.os;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * The file modes the library creates and checks: as permission sets to create files with, as
 * numbers to check them. Neither {@code PosixFilePermissions.fromString} nor
 * {@code PosixFileAttributes.permissions()}, which build an {@code EnumSet} (start-up rule: see
 * StartupRulesIT).
 */
public final class FileModes {

    /** 0700: a private directory. */
    public static final Set<PosixFilePermission> RWX_OWNER = Set.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);
    /** 0500: the cached helper. */
    public static final Set<PosixFilePermission> RX_OWNER = Set.of(OWNER_READ, OWNER_EXECUTE);
    /** 0644: the pidfile. */
    public static final Set<PosixFilePermission> RW_OWNER_R_OTHERS =
            Set.of(OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ);

    private FileModes() {
    }

    /** The mode bits of {@code path} (a link itself, not followed), e.g. 01777 for /tmp. */
    public static int of(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue()
                & 07777;
    }

    /** One {@code lstat} of {@code path}: see {@link Stat}. */
    public static Stat stat(Path path) throws IOException {
        Map<String, Object> attrs =
                Files.readAttributes(path, "unix:mode,uid,gid,size,dev,ino", LinkOption.NOFOLLOW_LINKS);
        return new Stat(((Number) attrs.get("mode")).intValue(), ((Number) attrs.get("uid")).intValue(),
                ((Number) attrs.get("gid")).intValue(), ((Number) attrs.get("size")).longValue(),
                ((Number) attrs.get("dev")).longValue(), ((Number) attrs.get("ino")).longValue());
    }

    /**
     * A file's mode with its file-type bits, its owner, group, size, device and inode, from one
     * {@code lstat} (not {@code PosixFileAttributes}, whose owner and group are names looked up
     * in the user database, and whose permissions are an EnumSet).
     */
    public static final class Stat {
        public final int mode;
        public final int uid;
        final int gid;
        public final long size;
        private final long dev;
        private final long ino;

        private Stat(int mode, int uid, int gid, long size, long dev, long ino) {
            this.mode = mode;
            this.uid = uid;
            this.gid = gid;
            this.size = size;
            this.dev = dev;
            this.ino = ino;
        }

        /** Whether both are of the same file (device and inode). */
        public boolean sameFile(Stat other) {
            return dev == other.dev && ino == other.ino;
        }

        boolean isLink() {
            return (mode & 0170000) == 0120000;
        }

        public boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }

        public boolean isRegularFile() {
            return (mode & 0170000) == 0100000;
        }

        /** The permission bits, e.g. 0700. */
        public int permissions() {
            return mode & 0777;
        }
    }

    /**
     * Whether the permission bits of {@code path} are exactly {@code permissions} (e.g. 0700),
     * whatever its setuid, setgid and sticky bits (a directory inherits setgid from its parent).
     */
    public static boolean are(Path path, int permissions) throws IOException {
        return (of(path) & 0777) == permissions;
    }
}
