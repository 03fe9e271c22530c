package io.jdaemon.internal.helper;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.platform.Platform;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the native helper: the path named by {@value #HELPER_PROPERTY} if set, otherwise the
 * class-path resource for this platform, extracted to a private per-user cache directory (mode
 * 0700, owned by this user) under a name that carries its CRC-32 and size. Before every use the
 * cached copy is checked against the CRC-32 and size the jar's central directory records for the
 * resource (owner, mode 0500, size, and its content's CRC-32); a copy that differs is replaced,
 * never executed. The resource itself is read only to place it.
 */
public final class HelperBinary {

    /** System property naming a helper executable to use instead of the packaged one. */
    public static final String HELPER_PROPERTY = "jdaemon.helper";
    /** System property naming the directory the packaged helper is extracted to. */
    public static final String CACHE_PROPERTY = "jdaemon.cache";

    private static final Set<PosixFilePermission> PRIVATE_DIR = FileModes.RWX_OWNER;
    private static final Set<PosixFilePermission> PRIVATE_EXE = FileModes.RX_OWNER;
    /** The directory of this JVM's own made when no cache directory could be used; null if none. */
    private static volatile Path freshDirectory;

    private HelperBinary() {
    }

    /**
     * The helper executable, ready to run.
     *
     * @throws DaemonException if there is none for this platform or it cannot be placed
     */
    public static Path locate() {
        String override = System.getProperty(HELPER_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override).toAbsolutePath();
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new DaemonException("helper " + path + " (from -D" + HELPER_PROPERTY
                        + ") is not an executable file; point -D" + HELPER_PROPERTY
                        + " at the jdaemon-helper executable", ExitStatus.NOT_INSTALLED);
            }
            String problem = untrustedExecutable(path);
            if (problem != null) {
                throw new DaemonException("helper " + path + " (from -D" + HELPER_PROPERTY
                        + ") could be replaced by another user: " + problem + "; put it in a "
                        + "directory only root or you can write, owned by root or you and not "
                        + "writable by group or others", ExitStatus.NOT_INSTALLED);
            }
            return path;
        }
        String platform = Platform.current();
        String resource = Platform.helperResource(platform);
        // The common case: the jar's central directory names the packaged helper's CRC-32 and
        // size, so a cached copy is recognised without reading or inflating the resource.
        long[] id = packagedId(resource);
        if (id != null) {
            Path file = cacheDirectory().resolve(fileName(id[0], id[1]));
            if (isIntactCopy(file, id[0], id[1])) {
                return file;
            }
        }
        byte[] content = readResource(resource);
        if (content == null) {
            throw new DaemonException("no daemon helper for this platform ("
                    + Platform.missingHelperDetails() + "); build daemon-native on this platform, or "
                    + "set -D" + HELPER_PROPERTY + "=PATH to a jdaemon-helper executable",
                    ExitStatus.NOT_INSTALLED);
        }
        return extract(content, cacheDirectory());
    }

    /**
     * Why another user could replace the helper at {@code file} before it is executed, or null:
     * its directory must pass {@link TrustedPath}, and the file itself (not a link) belong to
     * root or this user and not be writable by group or others.
     */
    static String untrustedExecutable(Path file) {
        Path real;
        try {
            // The directory's own links are checked by the walk; the file's final link here.
            Path dir = file.getParent();
            String problem = TrustedPath.untrusted(dir);
            if (problem != null) {
                return problem;
            }
            real = Files.isSymbolicLink(file) ? file.toRealPath() : file;
            if (!real.equals(file)) {
                if (!TrustedPath.Identity.current().trustedOwner(file)) {
                    return file + " is a symbolic link owned by another user";
                }
                problem = TrustedPath.untrusted(real.getParent());
                if (problem != null) {
                    return problem;
                }
            }
            PosixFileAttributes attrs =
                    Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!TrustedPath.Identity.current().trustedOwner(real)) {
                return real + " belongs to " + attrs.owner().getName();
            }
            if (attrs.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                return real + " is writable by group or others";
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot check " + file + ": " + e;
        }
    }

    /** Places {@code content} in {@code dir} as the helper, unless an identical copy is there. */
    static Path extract(byte[] content, Path dir) {
        Path file = dir.resolve(fileName(content));
        try {
            if (!isIdenticalCopy(file, content)) {
                Path tmp = Files.createTempFile(dir, ".helper", ".tmp");
                try {
                    Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
                    Files.setPosixFilePermissions(tmp, PRIVATE_EXE);
                    move(tmp, file);
                    if (dir.equals(freshDirectory)) {
                        file.toFile().deleteOnExit(); // removed before its directory
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return file;
        } catch (IOException e) {
            throw new DaemonException("cannot place the daemon helper in " + dir + ": " + e
                    + "; set -D" + CACHE_PROPERTY + "=DIR to a directory you can write, or -D"
                    + HELPER_PROPERTY + "=PATH to a jdaemon-helper executable",
                    ExitStatus.NOT_INSTALLED, e);
        }
    }

    private static boolean isIdenticalCopy(Path file, byte[] content) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        PosixFileAttributes attrs =
                Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return attrs.size() == content.length && FileModes.are(file, 0500)
                && Arrays.equals(Files.readAllBytes(file), content);
    }

    /**
     * Whether {@code file} is the packaged helper with this CRC-32 and size: a regular file (not
     * a link) of this user's, mode 0500, of that size, whose content has that CRC-32. Its own
     * read with {@code FileInputStream} (loaded at JVM boot) and CRC32 costs about a millisecond;
     * the resource is not read. Not a defence against this user, who owns the
     * private directory: a check that the copy is complete and is this version's.
     */
    static boolean isIntactCopy(Path file, long crc, long size) {
        try {
            FileModes.Stat stat = FileModes.stat(file);
            if (!stat.isRegularFile() || stat.size != size || stat.permissions() != 0500
                    || stat.uid != TrustedPath.Identity.current().uid) {
                return false;
            }
            CRC32 sum = new CRC32();
            long total = 0;
            byte[] buffer = new byte[65536];
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sum.update(buffer, 0, n);
                    total += n;
                }
            }
            return total == size && sum.getValue() == crc;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // missing or unreadable: placed again
        }
    }

    /**
     * The packaged helper's CRC-32 and size from the central directory of the jar that holds
     * {@link Platform} (where the build places the helpers), or null where that is not a plain
     * jar file (unpacked classes, a jar nested in another): then the resource is read.
     */
    private static long[] packagedId(String resource) {
        try (ZipFile jar = platformJar()) {
            ZipEntry entry = jar == null ? null : jar.getEntry(resource);
            if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
                return null;
            }
            return new long[] {entry.getCrc(), entry.getSize()};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The jar {@link Platform} was loaded from, opened through {@code ZipFile} (which shares the
     * class loader's open copy), or null. Much cheaper at start-up than a class-path resource
     * lookup, which first searches the runtime image and then opens a {@code jar:} URL.
     */
    private static ZipFile platformJar() throws IOException {
        CodeSource source = Platform.class.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        File file;
        try {
            file = new File(location.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        return file.isFile() ? new ZipFile(file) : null;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The private cache directory: {@value #CACHE_PROPERTY} if set, else
     * {@code $XDG_CACHE_HOME/jdaemon}, else {@code ~/.cache/jdaemon}, else
     * {@code java.io.tmpdir/jdaemon-USER}; the first that is (or can be made) a directory owned by
     * this user with mode 0700 (an existing one is never chmodded: one that is not private is
     * passed over). Without {@value #CACHE_PROPERTY}, when none is, a fresh private directory
     * {@code java.io.tmpdir/jdaemon-USER-RANDOM} of this JVM's, removed when it exits: a
     * directory another user made first never locks this one out.
     */
    static Path cacheDirectory() {
        if (freshDirectory != null) {
            return freshDirectory;
        }
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            if (xdg != null && xdg.startsWith("/")) {
                candidates.add(Path.of(xdg, "jdaemon"));
            }
            String home = System.getProperty("user.home");
            if (home != null && home.startsWith("/")) {
                candidates.add(Path.of(home, ".cache", "jdaemon"));
            }
            candidates.add(Path.of(System.getProperty("java.io.tmpdir"),
                    "jdaemon-" + System.getProperty("user.name")));
        }
        List<String> problems = new ArrayList<>();
        for (Path dir : candidates) {
            String problem = makePrivate(dir.toAbsolutePath());
            if (problem == null) {
                return dir.toAbsolutePath();
            }
            problems.add(problem);
        }
        if (configured == null || configured.isBlank()) {
            // No usable home, and java.io.tmpdir/jdaemon-USER taken (another user may make it
            // first): a fresh directory of this process's own, removed when it exits.
            Path fresh = freshDirectory(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(),
                    problems);
            if (fresh != null) {
                return fresh;
            }
        }
        throw new DaemonException("no private directory for the daemon helper (" + String.join("; ",
                problems) + "); set -D" + CACHE_PROPERTY + "=DIR to a directory only you can write",
                ExitStatus.NOT_INSTALLED);
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

    private static byte[] readResource(String resource) {
        try {
            try (ZipFile jar = platformJar()) {
                ZipEntry entry = jar == null ? null : jar.getEntry(resource);
                if (entry != null) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        return in.readAllBytes();
                    }
                }
            }
            ClassLoader loader = HelperBinary.class.getClassLoader();
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                    : loader.getResourceAsStream(resource)) {
                return in == null ? null : in.readAllBytes();
            }
        } catch (IOException e) {
            throw new DaemonException("cannot read the daemon helper resource " + resource + ": " + e,
                    ExitStatus.NOT_INSTALLED, e);
        }
    }

    /**
     * The cached helper's file name: {@code jdaemon-helper-CRC32-SIZE}, to tell versions apart.
     * CRC-32 because the jar's central directory already records it for every entry (and a
     * cryptographic digest would set up the JCA providers, tens of milliseconds on the path from
     * launch to ready).
     */
    public static String fileName(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content, 0, content.length);
        return fileName(crc.getValue(), content.length);
    }

    private static String fileName(long crc, long size) {
        String hex = Long.toHexString(crc);
        return Platform.HELPER_NAME + "-" + "00000000".substring(hex.length()) + hex + "-" + size;
    }
}
