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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the native helper: the path named by {@value #HELPER_PROPERTY} if set, otherwise the
 * class-path resource for this platform, extracted to a private per-user cache directory
 * ({@link HelperCache}) under a name that carries its CRC-32 and size. Before every use the
 * cached copy is checked against the CRC-32 and size the jar's central directory records for the
 * resource (owner, mode 0500, size, and its content's CRC-32); a copy that differs is replaced,
 * never executed. The resource itself is read only to place it.
 */
public final class HelperBinary {

    /** System property naming a helper executable to use instead of the packaged one. */
    public static final String HELPER_PROPERTY = "jdaemon.helper";
    /** System property naming the directory the packaged helper is extracted to. */
    public static final String CACHE_PROPERTY = "jdaemon.cache";

    private static final Set<PosixFilePermission> PRIVATE_EXE = FileModes.RX_OWNER;

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
            Path file = HelperCache.directory().resolve(fileName(id[0], id[1]));
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
        return extract(content, HelperCache.directory());
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
                    if (HelperCache.isFresh(dir)) {
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
     * The one line for a helper that cannot be executed here: its path, this platform's
     * {@code os.name} and {@code os.arch}, and {@code why} (with the fix).
     */
    static DaemonException cannotExecute(Path helper, String why, Throwable cause) {
        return new DaemonException("cannot execute the daemon helper " + helper + " (os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                + "): " + why, ExitStatus.NOT_INSTALLED, cause);
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
