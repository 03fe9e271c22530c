package io.jdaemon.internal;

import io.jdaemon.DaemonException;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.OptionalLong;
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

    /** What a look at a pidfile found. */
    public static final class State {
        private final boolean exists;
        private final boolean locked;
        private final long pid;
        private final long holder;

        State(boolean exists, boolean locked, long pid, long holder) {
            this.exists = exists;
            this.locked = locked;
            this.pid = pid;
            this.holder = holder;
        }

        /** Whether a file is at the path. */
        public boolean exists() {
            return exists;
        }

        /** Whether a live process holds the file's lock: a daemon runs. */
        public boolean locked() {
            return locked;
        }

        /** The PID in the file, if its content is a PID. */
        public OptionalLong pid() {
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        }

        /**
         * The PID of the process holding the lock: from {@code /proc/locks} where there is one (so
         * a file whose content is wrong or was reused cannot mislead), else the file's content.
         */
        public OptionalLong holder() {
            if (!locked) {
                return OptionalLong.empty();
            }
            return holder > 0 ? OptionalLong.of(holder) : pid();
        }
    }

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
     * Refuses, before anything is spawned, a pidfile path the daemon could not create: one with
     * no file name ({@code /}), or a name too long for the temporary name {@code .NAME.PID.tmp}
     * written beside it to fit NAME_MAX (255 bytes).
     *
     * @throws DaemonException (exit 6) naming the path
     */
    public static void checkName(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            throw new DaemonException("--pidfile=" + path + " is a directory; give the path of a "
                    + "file, such as --pidfile=/run/NAME.pid", ExitStatus.NOT_CONFIGURED);
        }
        // "." + NAME + "." + a PID of up to 10 digits + ".tmp"
        int longest = name.toString().getBytes(StandardCharsets.UTF_8).length + 16;
        if (longest > 255) {
            throw new DaemonException("pidfile name " + name + " is too long ("
                    + (longest - 16) + " bytes; at most 239, since the daemon writes .NAME.PID.tmp "
                    + "beside it and a file name holds 255); choose a shorter --pidfile",
                    ExitStatus.NOT_CONFIGURED);
        }
    }

    /**
     * Creates the pidfile for {@code pid} and locks it. Atomic: readers see either no file, the
     * previous (stale) file or the complete new one.
     *
     * @throws HeldException if a live process holds the pidfile
     * @throws DaemonException if the path is a symlink or the file cannot be written
     */
    public static PidFile acquire(Path path, long pid) throws HeldException {
        Path tmp = path.resolveSibling("." + path.getFileName() + "." + pid + ".tmp");
        FileChannel channel = null;
        boolean done = false;
        try {
            Files.deleteIfExists(tmp); // only a dead process with our PID can have left it
            channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            channel.lock();
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
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
                    removeIfStale(path);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new DaemonException("cannot create pidfile " + path + ": " + reason(e)
                    + "; check that its directory exists and is writable", ExitStatus.NOT_CONFIGURED, e);
        } finally {
            deleteQuietly(tmp);
            if (!done) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Reads the state of a pidfile without changing it.
     *
     * @throws DaemonException if the path is a symlink or not a regular file, or unreadable
     */
    public static State inspect(Path path) {
        try {
            BasicFileAttributes attrs = attributes(path);
            refuseOddFile(path, attrs);
            for (PidFile held : HELD) {
                if (Objects.equals(held.key, attrs.fileKey())) {
                    return new State(true, true, held.pid, held.pid); // opening would drop the lock
                }
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS)) {
                boolean locked = isLockedByOther(ch, true);
                return new State(true, locked, parse(read(ch)), locked ? lockHolder(path) : 0);
            }
        } catch (NoSuchFileException e) {
            return new State(false, false, 0, 0);
        } catch (IOException e) {
            throw new DaemonException("cannot read pidfile " + path + ": " + reason(e)
                    + "; check its permissions", ExitStatus.NOT_CONFIGURED, e);
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
        try {
            if (Objects.equals(attributes(path).fileKey(), key)) {
                Files.delete(path);
            }
        } catch (IOException ignored) {
            // gone already, or replaced by someone else's: theirs to keep
        }
        closeQuietly(channel);
    }

    /**
     * The PID in a pidfile's content ({@code ^[0-9]+\n?$}), or 0 if the content is anything else:
     * empty, negative, several lines, too large for a PID.
     */
    public static long parse(String content) {
        String s = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        if (s.isEmpty() || s.length() > 10) {
            return 0;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return 0;
            }
        }
        long pid = Long.parseLong(s);
        return pid <= Integer.MAX_VALUE ? pid : 0;
    }

    /**
     * Deletes a stale pidfile: one that no process holds. Safe against a start that replaces it
     * meanwhile (that new file is left alone).
     *
     * @throws HeldException if a live process holds it
     */
    public static void removeStale(Path path) throws HeldException {
        try {
            removeIfStale(path);
        } catch (IOException e) {
            throw new DaemonException("cannot remove stale pidfile " + path + ": " + reason(e)
                    + "; remove it by hand", ExitStatus.NOT_CONFIGURED, e);
        }
    }

    /**
     * The PID that holds a POSIX lock on the file, from {@code /proc/locks}; 0 where that is not
     * known (no /proc, no such lock).
     */
    static long lockHolder(Path path) {
        Path locks = Path.of("/proc/locks");
        if (!Files.isReadable(locks)) {
            return 0;
        }
        try {
            long inode = ((Number) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS))
                    .longValue();
            long dev = ((Number) Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS))
                    .longValue();
            // Linux's encoding of st_dev: /proc/locks shows it as MAJOR:MINOR in hex.
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            String file = hex2(major) + ":" + hex2(minor) + ":" + inode;
            for (String line : Files.readAllLines(locks, StandardCharsets.US_ASCII)) {
                String[] f = fields(line);
                // "1: POSIX  ADVISORY  WRITE 5234 fe:00:2146440 0 EOF"; blocked waiters have "->"
                if (f.length >= 6 && f[1].equals("POSIX") && f[5].equals(file)) {
                    return Long.parseLong(f[4]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: the caller falls back to the file's content
        }
        return 0;
    }

    private static String hex2(long n) {
        String hex = Long.toHexString(n);
        return hex.length() < 2 ? "0" + hex : hex;
    }

    /** The white-space separated fields of a line. */
    private static String[] fields(String line) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean space = i == line.length() || Character.isWhitespace(line.charAt(i));
            if (space && start >= 0) {
                out.add(line.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out.toArray(new String[0]);
    }

    /** Deletes a pidfile nobody holds; returns normally if it is gone or was replaced meanwhile. */
    private static void removeIfStale(Path path) throws IOException, HeldException {
        BasicFileAttributes before;
        try {
            before = attributes(path);
        } catch (NoSuchFileException e) {
            return;
        }
        refuseOddFile(path, before);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            // A racing start that is itself removing the stale file holds the lock only for a
            // moment; a daemon holds it for good. Look several times before calling it running.
            for (int look = 0; ; look++) {
                FileLock lock = tryLock(ch, false);
                if (lock != null) {
                    if (Objects.equals(before.fileKey(), attributes(path).fileKey())) {
                        Files.delete(path);
                    }
                    lock.release();
                    return;
                }
                if (!Objects.equals(before.fileKey(), keyOrNull(path))) {
                    return;
                }
                if (look >= 5) {
                    long holder = lockHolder(path);
                    throw new HeldException(holder > 0 ? holder : parse(read(ch)));
                }
                sleep(10);
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile
        }
    }

    private static Object keyOrNull(Path path) throws IOException {
        try {
            return attributes(path).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void refuseOddFile(Path path, BasicFileAttributes attrs) {
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

    private static boolean isLockedByOther(FileChannel ch, boolean shared) throws IOException {
        FileLock lock = tryLock(ch, shared);
        if (lock == null) {
            return true;
        }
        lock.release();
        return false;
    }

    private static FileLock tryLock(FileChannel ch, boolean shared) throws IOException {
        try {
            return ch.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM
        }
    }

    private static String read(FileChannel ch) throws IOException {
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

    private static BasicFileAttributes attributes(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static String reason(Exception e) {
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

    private static void sleep(long millis) {
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
