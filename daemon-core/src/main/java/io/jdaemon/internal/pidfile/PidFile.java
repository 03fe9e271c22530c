package io.jdaemon.internal.pidfile;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pidfile: {@code PID\n}, mode 0644, created atomically (written under a temporary name,
 * then hard-linked into place), locked with a POSIX {@code fcntl} lock for the daemon's whole life
 * (visible in {@code /proc/locks}), removed when the daemon exits. A symlink at the path is refused,
 * so that nobody can make the daemon write another file through a shared directory.
 *
 * <p>The lock, not the content, says whether a daemon is alive: a stale file left by a killed
 * daemon is unlocked and is replaced by the next start.
 *
 * <p>POSIX locks belong to the process and are released when the process closes <em>any</em>
 * descriptor of the file. So {@link #inspect} does not open a pidfile this JVM holds, and code in
 * the daemon must not open its pidfile itself.
 */
public final class PidFile {

    /** Raised by {@link #acquire} when a live daemon holds the pidfile. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long pid;

        HeldException(long pid) {
            super("already running, pid " + pid);
            this.pid = pid;
        }

        /** The running daemon's PID, or 0 if its file named none yet. */
        public long pid() {
            return pid;
        }
    }

    /** The pidfile's mode, before the umask: 0644. */
    private static final FileAttribute<Set<PosixFilePermission>> MODE =
            PosixFilePermissions.asFileAttribute(FileModes.RW_OWNER_R_OTHERS);

    /** Longest content a pidfile may have: a PID and a newline. */
    private static final int MAX_LENGTH = 32;

    /** The pidfiles this JVM holds. */
    private static final Set<PidFile> HELD = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final long pid;
    private final FileChannel channel;
    private final Object key;

    private PidFile(Path path, long pid, FileChannel channel, Object key) {
        this.path = path;
        this.pid = pid;
        this.channel = channel;
        this.key = key;
    }

    /** The path of this pidfile. */
    public Path path() {
        return path;
    }

    /**
     * Creates the pidfile for {@code pid} and locks it. Atomic: readers see either no file, the
     * previous (stale) file or the complete new one.
     *
     * @throws HeldException if a live process holds the pidfile
     * @throws DaemonException if the path is a symlink or the file cannot be written
     */
    public static PidFile acquire(Path path, long pid) throws HeldException {
        Path tmp = aside(path, pid);
        FileChannel channel = null;
        boolean done = false;
        try {
            channel = writeLocked(path, tmp, pid);
            Object key = attributes(tmp).fileKey();
            for (int attempt = 0; ; attempt++) {
                try {
                    Files.createLink(path, tmp);
                    done = true;
                    PidFile held = new PidFile(path, pid, channel, key);
                    HELD.add(held);
                    return held;
                } catch (FileAlreadyExistsException e) {
                    if (attempt >= 100) {
                        throw e;
                    }
                    StalePidFile.removeIfStale(path, -1);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw cannotCreate(path, e);
        } finally {
            deleteQuietly(tmp);
            if (!done) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * As {@link #acquire}, for the successor of a running daemon (a restart that hands the
     * listening socket over): the file, locked and complete, stays under its name
     * {@link #aside} while the running daemon still holds {@code path}. The launcher renames it
     * over {@code path} once this daemon is ready ({@link PidFileHandover#takeOver}): one
     * step from the old daemon's file to the new one's, so no reader ever finds none.
     */
    public static PidFile acquireAside(Path path, long pid) {
        Path tmp = aside(path, pid);
        FileChannel channel = null;
        try {
            channel = writeLocked(path, tmp, pid);
            PidFile held = new PidFile(path, pid, channel, attributes(tmp).fileKey());
            HELD.add(held);
            return held;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(channel);
            deleteQuietly(tmp);
            throw cannotCreate(path, e);
        }
    }

    /** The name beside {@code path} under which {@code pid}'s daemon writes its pidfile first. */
    public static Path aside(Path path, long pid) {
        return path.resolveSibling("." + path.getFileName() + "." + pid + ".tmp");
    }

    /** Creates {@code tmp}, locks it and writes {@code pid} into it: the open, locked file. */
    private static FileChannel writeLocked(Path path, Path tmp, long pid) throws IOException {
        PidFilePlacement.refuseUntrustedDirectory(path, TrustedPath.Identity.current());
        // In a directory only root and this user can change, a path names what it named when
        // checked: only a dead process with our PID can have left this name.
        Files.deleteIfExists(tmp);
        // Created with its mode (less the umask) by open(2): no chmod by path afterwards.
        FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), MODE);
        try {
            channel.lock();
            OpenFileChmod.chmod(tmp, attributes(tmp).fileKey()); // 0644 whatever the umask: others may read it
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)));
            // No fsync (on ext4 0.2 ms idle, up to 15 ms beside other writers, on the way to
            // ready): readers see the page cache, and a pidfile that a crash left empty or stale
            // is unlocked, so the next start removes it.
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static DaemonException cannotCreate(Path path, Exception e) {
        return new DaemonException("cannot create pidfile " + path + ": " + reason(e)
                + "; check that its directory exists and is writable", ExitStatus.NOT_CONFIGURED, e);
    }

    /**
     * Reads the state of a pidfile without changing it. The file is opened by the helper only,
     * once, with O_NOFOLLOW and O_NONBLOCK, and everything (type, owner, links, content, lock) is
     * read from that descriptor: a FIFO or link swapped in is refused, never waited on. Whether
     * the lock's holder is the daemon is {@link DaemonIdentity}'s decision, with this user's
     * {@link LaunchRecord} of the pidfile.
     *
     * @throws DaemonException if the path is a symlink or not a regular file, or unreadable
     */
    public static PidFileState inspect(Path path) {
        BasicFileAttributes attrs;
        try {
            attrs = attributes(path);
        } catch (NoSuchFileException e) {
            return new PidFileState(false, false, 0, 0, null);
        } catch (IOException e) {
            throw new DaemonException("cannot read pidfile " + path + ": " + reason(e)
                    + "; check its permissions", ExitStatus.NOT_CONFIGURED, e);
        }
        refuseOddFile(path, attrs); // the plain case, named as such; the helper checks its descriptor
        for (PidFile held : HELD) {
            if (Objects.equals(held.key, attrs.fileKey())) {
                // this JVM's own: no need to ask
                return new PidFileState(true, true, held.pid, held.pid, null, Processes.startTicks(held.pid), -1);
            }
        }
        HelperControl.Lock lock = HelperControl.query(path);
        if (!lock.exists()) {
            return new PidFileState(false, false, 0, 0, null);
        }
        if (!lock.writeLocked()) {
            return new PidFileState(true, false, lock.content(), 0, null, -1, lock.owner());
        }
        String problem = DaemonIdentity.notTheDaemon(path, lock, LaunchRecord.read(path));
        if (problem != null) {
            PidFileState state = new PidFileState(true, true, lock.content(), 0, problem, -1, lock.owner());
            state.anotherUsers = DaemonIdentity.anotherUsers(lock);
            return state;
        }
        DaemonIdentity.Proven proven = DaemonIdentity.proven(lock);
        return new PidFileState(true, true, lock.content(), proven.pid, null, proven.startTicks, lock.owner());
    }

    /**
     * Has the JVM delete the pidfile once every shutdown hook has run, if the path still names
     * this process's file now (or its successor's file beside it, never put in place); called
     * from a shutdown hook (the JDK deletes those files after
     * the hooks, see {@code java.io.DeleteOnExitHook}). A file that replaced it (a successor's,
     * see {@link PidFileHandover}) is left alone.
     */
    public void deleteOnExitIfOurs() {
        for (Path name : new Path[] {path, aside(path, pid)}) { // a successor's may not be in place
            try {
                if (Objects.equals(attributes(name).fileKey(), key)) {
                    name.toFile().deleteOnExit();
                }
            } catch (IOException | IllegalStateException e) {
                // gone already, or the JVM is past that stage: the lock ends with the process
            }
        }
    }

    /**
     * Removes the pidfile, if it is still the one this process created, and releases the lock.
     * Idempotent.
     */
    public synchronized void release() {
        if (!channel.isOpen()) {
            return;
        }
        HELD.remove(this);
        for (Path name : new Path[] {path, aside(path, pid)}) { // a successor's may not be in place
            try {
                if (Objects.equals(attributes(name).fileKey(), key)) {
                    Files.delete(name);
                }
            } catch (IOException ignored) {
                // gone already, or replaced by someone else's: theirs to keep
            }
        }
        closeQuietly(channel);
    }

    /**
     * The PID in a pidfile's content ({@code ^[0-9]+\n?$}), or 0 if the content is anything else:
     * empty, negative, several lines, too large for a PID. Other numbers the library reads are
     * {@link Decimal#parse}'s.
     */
    public static long parse(String content) {
        return Decimal.parse(content.endsWith("\n") ? content.substring(0, content.length() - 1)
                : content);
    }

    static void refuseOddFile(Path path, BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) {
            throw new DaemonException("pidfile " + path + " is a symbolic link; refusing to use it "
                    + "(remove it, or choose a pidfile path in a directory only you can write)",
                    ExitStatus.NOT_CONFIGURED);
        }
        if (!attrs.isRegularFile()) {
            throw new DaemonException("pidfile " + path + " is not a regular file; choose another "
                    + "--pidfile path", ExitStatus.NOT_CONFIGURED);
        }
    }

    static boolean isLockedByOther(FileChannel ch, boolean shared) throws IOException {
        FileLock lock = tryLock(ch, shared);
        if (lock == null) {
            return true;
        }
        lock.release();
        return false;
    }

    static FileLock tryLock(FileChannel ch, boolean shared) throws IOException {
        try {
            return ch.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM
        }
    }

    static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_LENGTH + 1);
        ch.position(0);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // fill
        }
        if (buf.position() > MAX_LENGTH) {
            return "";
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    static BasicFileAttributes attributes(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof UnsupportedOperationException) {
            return "the file system does not support hard links or POSIX permissions";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
