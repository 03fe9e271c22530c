package io.jdaemon.internal.launch;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import io.jdaemon.internal.daemon.ServiceSide;
import io.jdaemon.internal.helper.HelperCache;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.os.UserAccount;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The managed startup cache ({@code --startup-cache}): the class-data archive the daemon's JVM
 * maps at start, or trains and writes when it exits. JDK 25 and later: the AOT cache
 * ({@code -XX:AOTCacheOutput=F}, written at exit, then {@code -XX:AOTCache=F}); 19 to 24:
 * {@code -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=F}; 17 and 18: dynamic AppCDS
 * ({@code -XX:ArchiveClassesAtExit=F}, then {@code -XX:SharedArchiveFile=F}).
 *
 * <p>An archive is code the JVM runs: it lives in a private directory of the daemon's user
 * (mode 0700, owned by that user, in parents only root and that user can change, the helper
 * cache's rules), and is used only if it is a regular file of the daemon's user with one link,
 * writable by nobody else; otherwise the daemon runs without a cache and says so in one line of
 * its log. Its file name carries a hash of what it depends on (the JDK, the JVM's options, the
 * class path's files by path, size and modification time), so any change trains a new one and
 * the old one is removed. The JVM's own messages about the archive are turned off
 * ({@code -Xlog:...=off}), and all of them would go to the daemon's log anyway: the options are
 * the daemon JVM's only, never the launcher's.
 */
final class StartupCache {

    /** The daemon JVM's property carrying the line its log gets about the cache (or none). */
    static final String NOTE_PROPERTY = ServiceSide.STARTUP_CACHE_NOTE;
    /** Under root with {@code --user}: the parent of each daemon user's cache directory. */
    static final Path SYSTEM_DIRECTORY = Path.of("/var/cache/jdaemon");

    /** The JVM options of the service's own that choose an archive: the cache stands aside. */
    private static final List<String> OWN_ARCHIVE_OPTIONS = List.of("-XX:SharedArchiveFile=",
            "-XX:ArchiveClassesAtExit=", "-XX:AOTCache=", "-XX:AOTCacheOutput=", "-XX:AOTMode=",
            "-XX:AOTConfiguration=", "-XX:+AutoCreateSharedArchive", "-XX:SharedClassListFile=",
            "-XX:DumpLoadedClassList=", "-Xshare:off", "-Xshare:dump");
    /** The first four bytes of a dynamic archive, and of a static archive (an AOT cache). */
    private static final int DYNAMIC_MAGIC = 0xf00baba8;
    private static final int STATIC_MAGIC = 0xf00baba2;

    /** Which kind of archive a JDK makes. */
    enum Kind {
        /** JDK 25+: {@code -XX:AOTCacheOutput}, then {@code -XX:AOTCache}. */
        AOT(".aot"),
        /** JDK 19-24: {@code -XX:+AutoCreateSharedArchive}. */
        AUTO(".jsa"),
        /** JDK 17-18: {@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}. */
        DYNAMIC(".jsa");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        static Kind of(int feature) {
            return feature >= 25 ? AOT : feature >= 19 ? AUTO : DYNAMIC;
        }

        /** The options that map {@code archive} (or train it, if {@code train}). */
        List<String> options(Path archive, boolean train) {
            String file = archive.toString();
            switch (this) {
                case AOT:
                    return List.of(train ? "-XX:AOTCacheOutput=" + file : "-XX:AOTCache=" + file,
                            "-Xlog:aot=off,cds=off");
                case AUTO:
                    return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + file,
                            "-Xlog:cds=off,cds+dynamic=off");
                default:
                    return List.of(train ? "-XX:ArchiveClassesAtExit=" + file
                            : "-XX:SharedArchiveFile=" + file, "-Xlog:cds=off,cds+dynamic=off");
            }
        }
    }

    /**
     * What the daemon's JVM gets: options placed before the service's own (so that the service's
     * {@code -Xlog} settings win), and the one line for its log, or null.
     */
    record Plan(List<String> options) {
        static Plan none(String why) {
            return new Plan(List.of("-D" + NOTE_PROPERTY + "=startup cache not used: " + why));
        }
    }

    private StartupCache() {
    }

    /**
     * The plan for the daemon that runs {@code jvm} (its {@code --jvm-option}s included).
     *
     * @param pidFile the daemon's pidfile (names the archive); null: the command line does
     * @param owner the daemon's user where it is not this process's ({@code --user}); else null
     */
    static Plan plan(JvmCommandLine jvm, Path pidFile, UserAccount owner) {
        String own = ownArchiveOption(jvm.jvmOptions());
        if (own != null) {
            return Plan.none("the JVM options name a class-data archive already (" + own + ")");
        }
        Path exe = Path.of(jvm.argv().get(0));
        Path home = exe.getParent() == null ? null : exe.getParent().getParent();
        Map<String, String> release = home == null ? Map.of() : StartupCacheKey.release(home.resolve("release"));
        int feature = StartupCacheKey.feature(release.get("JAVA_VERSION"));
        if (feature < 17) {
            return Plan.none("cannot tell the version of the JDK at " + home + " (its release file)");
        }
        Kind kind = Kind.of(feature);
        boolean self = owner == null || owner.uid() == TrustedPath.Identity.current().uid;
        Path dir;
        try {
            dir = self ? ownDirectory() : userDirectory(owner);
        } catch (IOException e) {
            return Plan.none(e.getMessage());
        }
        long uid = self ? TrustedPath.Identity.current().uid : owner.uid();
        String prefix = hex(StartupCacheKey.fnv(StartupCacheKey.FNV_BASIS, pidFile != null ? pidFile.toAbsolutePath().normalize().toString()
                : String.join("\0", jvm.argv().subList(jvm.targetStart(), jvm.serviceArgsStart()))));
        String name = prefix + "-" + hex(StartupCacheKey.of(jvm, home, release)) + kind.suffix;
        Path archive = dir.resolve(name);
        FileModes.Stat stat;
        String foreign;
        try {
            stat = FileModes.stat(archive);
            foreign = foreign(archive, stat, uid);
        } catch (NoSuchFileException e) {
            stat = null;
            foreign = null;
        } catch (IOException | RuntimeException e) {
            return Plan.none("cannot look at " + archive + ": " + e);
        }
        if (stat != null) {
            if (foreign != null) {
                return Plan.none(archive + " " + foreign + "; remove it (rm " + archive + ")");
            }
            if (kind == Kind.AUTO || !complete(archive, kind, self)) {
                // The JVM checks and rewrites its own; an incomplete one is trained again.
                return trained(kind, archive, kind == Kind.AUTO);
            }
            return new Plan(kind.options(archive, false));
        }
        removeStale(dir, prefix + "-", name);
        return trained(kind, archive, false);
    }

    private static Plan trained(Kind kind, Path archive, boolean existing) {
        List<String> options = new ArrayList<>(kind.options(archive, !existing));
        if (!existing) {
            options.add("-D" + NOTE_PROPERTY + "=startup cache: training; " + archive
                    + " is written when this daemon exits");
        }
        return new Plan(options);
    }

    /** The first of {@code options} that chooses a class-data archive itself, or null. */
    static String ownArchiveOption(List<String> options) {
        for (String option : options) {
            for (String own : OWN_ARCHIVE_OPTIONS) {
                if (option.equals(own) || own.endsWith("=") && option.startsWith(own)) {
                    return option;
                }
            }
        }
        return null;
    }

    /**
     * Why the existing archive must not be used, or null: it must be a regular file (not a
     * link) of {@code uid}'s with one link, writable by nobody else.
     */
    static String foreign(Path archive, FileModes.Stat stat, long uid) throws IOException {
        if (!stat.isRegularFile()) {
            return "is not a regular file";
        }
        if (stat.uid != uid) {
            return "belongs to uid " + stat.uid + ", not to the daemon's user (uid " + uid + ")";
        }
        if ((stat.permissions() & 0022) != 0) {
            return "is writable by group or others (mode " + Integer.toOctalString(stat.permissions()) + ")";
        }
        long links = ((Number) Files.getAttribute(archive, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).longValue();
        if (links != 1) {
            return "has " + links + " hard links, so it is also another file";
        }
        return null;
    }

    /**
     * Whether the archive was written whole: the JVM writes an archive's header, which begins
     * with its magic number, after everything else, so a JVM killed while writing leaves one
     * without it (and JDK 17 maps a truncated archive and dies of SIGBUS). Read only in this
     * user's own private directory, which nobody else can swap the file in; a {@code --user}
     * daemon's archive is not opened by root (its user could put a FIFO in its place), and its
     * JVM checks it.
     */
    private static boolean complete(Path archive, Kind kind, boolean readable) {
        if (!readable) {
            return true;
        }
        byte[] head = new byte[4];
        try (InputStream in = new FileInputStream(archive.toFile())) {
            if (in.readNBytes(head, 0, 4) != 4) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        int magic = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24;
        return magic == (kind == Kind.AOT ? STATIC_MAGIC : DYNAMIC_MAGIC);
    }

    /** Removes this daemon's archives of other keys: regular files only, links not followed. */
    private static void removeStale(Path dir, String prefix, String keep) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(keep) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // left behind: the next training removes them
        }
    }

    /**
     * This user's archive directory: {@code startup} in the helper's private cache directory
     * ({@link HelperCache}'s places, not the fresh one a JVM removes when it
     * exits: the daemon writes its archive long after the launcher is gone).
     */
    static Path ownDirectory() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path abs : HelperCache.places()) {
            String problem = HelperCache.makePrivate(abs);
            if (problem == null) {
                Path dir = abs.resolve("startup");
                problem = HelperCache.makePrivate(dir);
                if (problem == null) {
                    return dir;
                }
            }
            problems.add(problem);
        }
        throw new IOException("no private cache directory (" + String.join("; ", problems) + ")");
    }

    /**
     * The archive directory of a {@code --user} daemon started by root: {@code uid-N} in
     * {@code /var/cache/jdaemon}, owned by that user, mode 0700, made by root if missing
     * (root's own cache directory is private to root, and the daemon's JVM writes the archive as
     * its user). An existing one must be that user's with mode 0700 already: it is never
     * chowned or chmodded.
     */
    static Path userDirectory(UserAccount owner) throws IOException {
        Path parent = SYSTEM_DIRECTORY;
        TrustedPath.Identity root = TrustedPath.Identity.current();
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(Set.of(OWNER_READ,
                    OWNER_WRITE, OWNER_EXECUTE, GROUP_READ, GROUP_EXECUTE, OTHERS_READ, OTHERS_EXECUTE)));
        }
        String untrusted = TrustedPath.untrusted(parent, root);
        if (untrusted != null) {
            throw new IOException(parent + " is unsafe: " + untrusted);
        }
        Path dir = parent.resolve("uid-" + owner.uid());
        FileModes.Stat stat;
        try {
            stat = FileModes.stat(dir);
        } catch (NoSuchFileException e) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FileModes.RWX_OWNER));
            Files.setAttribute(dir, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(dir, FileModes.RWX_OWNER);
            stat = FileModes.stat(dir);
        }
        if (!stat.isDirectory() || stat.uid != owner.uid() || stat.permissions() != 0700) {
            throw new IOException(dir + " is not a directory of uid " + owner.uid() + " with mode 0700");
        }
        return dir;
    }

    private static String hex(long h) {
        String hex = Long.toHexString(h);
        return "0000000000000000".substring(hex.length()) + hex;
    }
}
