package io.jdaemon.internal.helper;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The private per-user directory the packaged helper is extracted to ({@link HelperBinary}): a
 * directory of this user's, mode 0700, in a parent nobody else can change, so that nobody else
 * can swap the helper between its check and its execution.
 */
public final class HelperCache {

    private static final Set<PosixFilePermission> PRIVATE_DIR = FileModes.RWX_OWNER;
    /** The directory of this JVM's own made when no cache directory could be used; null if none. */
    private static volatile Path freshDirectory;

    private HelperCache() {
    }

    /** Whether {@code dir} is this JVM's fresh directory, removed when it exits. */
    static boolean isFresh(Path dir) {
        return dir.equals(freshDirectory);
    }

    /**
     * The private cache directory: {@value HelperBinary#CACHE_PROPERTY} if set, else
     * {@code $XDG_CACHE_HOME/jdaemon}, else {@code ~/.cache/jdaemon}, else
     * {@code java.io.tmpdir/jdaemon-USER}; the first that is (or can be made) a directory owned by
     * this user with mode 0700 (an existing one is never chmodded: one that is not private is
     * passed over). Without {@value HelperBinary#CACHE_PROPERTY}, when none is, a fresh private directory
     * {@code java.io.tmpdir/jdaemon-USER-RANDOM} of this JVM's, removed when it exits: a
     * directory another user made first never locks this one out.
     */
    static Path directory() {
        if (freshDirectory != null) {
            return freshDirectory;
        }
        List<String> problems = new ArrayList<>();
        for (Path dir : places()) {
            String problem = makePrivate(dir);
            if (problem == null) {
                return dir;
            }
            problems.add(problem);
        }
        if (!configured()) {
            // No usable home, and java.io.tmpdir/jdaemon-USER taken (another user may make it
            // first): a fresh directory of this process's own, removed when it exits.
            Path fresh = freshDirectory(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(),
                    problems);
            if (fresh != null) {
                return fresh;
            }
        }
        throw new DaemonException("no private directory for the daemon helper (" + String.join("; ",
                problems) + "); set -D" + HelperBinary.CACHE_PROPERTY + "=DIR to a directory only you can write",
                ExitStatus.NOT_INSTALLED);
    }

    /**
     * Where this user's private cache directory may be, in order, absolute: the directory
     * {@code -Djdaemon.cache=DIR} names, alone; else {@code $XDG_CACHE_HOME/jdaemon},
     * {@code ~/.cache/jdaemon}, {@code java.io.tmpdir/jdaemon-USER}. The helper and the startup
     * cache keep their files there.
     */
    public static List<Path> places() {
        List<Path> places = new ArrayList<>();
        if (configured()) {
            places.add(Path.of(System.getProperty(HelperBinary.CACHE_PROPERTY)).toAbsolutePath());
            return places;
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            places.add(Path.of(xdg, "jdaemon"));
        }
        String home = System.getProperty("user.home");
        if (home != null && home.startsWith("/")) {
            places.add(Path.of(home, ".cache", "jdaemon"));
        }
        places.add(Path.of(System.getProperty("java.io.tmpdir"), "jdaemon-" + System.getProperty("user.name"))
                .toAbsolutePath());
        return places;
    }

    private static boolean configured() {
        String configured = System.getProperty(HelperBinary.CACHE_PROPERTY);
        return configured != null && !configured.isBlank();
    }

    /**
     * Makes {@code dir} a private directory of this user, in a parent nobody else can change
     * ({@link TrustedPath}); null on success, else the problem. The parent is checked before
     * anything is created in it, and the directory itself after: only then can nobody else swap
     * the directory, or what is in it, between this check and the helper's execution.
     */
    public static String makePrivate(Path dir) {
        try {
            int self = TrustedPath.Identity.current().uid;
            FileModes.Stat stat = existing(dir);
            if (stat == null || !stat.isDirectory() || stat.uid != self || stat.permissions() != 0700) {
                // Not yet a private directory of this user's (the common case is, and skips this).
                Path parent = dir.getParent();
                String untrusted = parent == null ? null : TrustedPath.untrusted(existingAncestor(parent));
                if (untrusted != null) {
                    return dir + " is unsafe: " + untrusted;
                }
                boolean created = false;
                if (stat == null) {
                    Files.createDirectories(dir.getParent());
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
                    stat = FileModes.stat(dir);
                    created = true;
                }
                if (!stat.isDirectory()) {
                    return dir + " is not a directory";
                }
                if (stat.uid != self) {
                    return dir + " belongs to " + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName()
                            + ", not to this user";
                }
                if (stat.permissions() != 0700) {
                    if (!created) {
                        // Never change the mode of a directory this did not make (a shared one,
                        // or /): the owner decides.
                        return dir + " is not private (mode " + Integer.toOctalString(stat.mode & 07777)
                                + "); make it so (chmod 700 " + dir + ") or choose another";
                    }
                    Files.setPosixFilePermissions(dir, PRIVATE_DIR); // the umask took bits off
                }
            }
            String untrusted = TrustedPath.untrusted(dir);
            return untrusted == null ? null : dir + " is unsafe: " + untrusted;
        } catch (IOException | UnsupportedOperationException e) {
            return dir + ": " + e;
        }
    }

    /**
     * A new private directory {@code jdaemon-USER-RANDOM} in {@code tmp} (which must pass
     * {@link TrustedPath}), it and what is put in it removed when this JVM exits; null, with the
     * problem added to {@code problems}, if none can be made.
     */
    private static Path freshDirectory(Path tmp, List<String> problems) {
        String untrusted = TrustedPath.untrusted(tmp);
        if (untrusted != null) {
            problems.add(tmp + " is unsafe: " + untrusted);
            return null;
        }
        try {
            Path dir = Files.createTempDirectory(tmp, "jdaemon-" + System.getProperty("user.name") + "-",
                    PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            FileModes.Stat stat = FileModes.stat(dir);
            if (!stat.isDirectory() || stat.uid != TrustedPath.Identity.current().uid) {
                problems.add(dir + " is not a directory of this user's");
                return null;
            }
            if (stat.permissions() != 0700) {
                Files.setPosixFilePermissions(dir, PRIVATE_DIR); // made here: the umask took bits off
            }
            dir.toFile().deleteOnExit(); // registered first, so removed last
            freshDirectory = dir;
            return dir;
        } catch (IOException | UnsupportedOperationException e) {
            problems.add(tmp + ": " + e);
            return null;
        }
    }

    /**
     * Removes the fresh directory of {@link #freshDirectory} and the helper in it, if this JVM
     * made one; for a JVM that ends with {@code Runtime.halt}, which runs no deleteOnExit.
     */
    public static void removeFreshDirectory() {
        Path dir = freshDirectory;
        if (dir == null) {
            return;
        }
        String[] names = dir.toFile().list();
        for (String name : names == null ? new String[0] : names) {
            dir.resolve(name).toFile().delete();
        }
        dir.toFile().delete();
    }

    /** One lstat of {@code path}; null if there is nothing there. */
    private static FileModes.Stat existing(Path path) throws IOException {
        try {
            return FileModes.stat(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The path itself if it exists, else its nearest existing ancestor (to be created under). */
    private static Path existingAncestor(Path path) {
        Path p = path;
        while (p.getParent() != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        return p;
    }
}
