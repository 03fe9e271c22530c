package io.jdaemon.internal.handshake;

import static io.jdaemon.internal.handshake.Handshake.DIRECTORY_PREFIX;
import static io.jdaemon.internal.handshake.Handshake.EXTEND;
import static io.jdaemon.internal.handshake.Handshake.FAILED;
import static io.jdaemon.internal.handshake.Handshake.JVM_OPTIONS;
import static io.jdaemon.internal.handshake.Handshake.MAX_FILE;
import static io.jdaemon.internal.handshake.Handshake.OUTCOME;
import static io.jdaemon.internal.handshake.Handshake.READY;
import static io.jdaemon.internal.handshake.Handshake.RUNNING;
import static io.jdaemon.internal.handshake.Handshake.SETTINGS;
import static io.jdaemon.internal.handshake.Handshake.encode;
import static io.jdaemon.internal.handshake.Handshake.field;
import static io.jdaemon.internal.handshake.Handshake.fields;
import static io.jdaemon.internal.handshake.Handshake.nativeCharset;
import static io.jdaemon.internal.handshake.Handshake.number;
import static io.jdaemon.internal.handshake.HandshakeFiles.chown;
import static io.jdaemon.internal.handshake.HandshakeFiles.isHandshakeFile;
import static io.jdaemon.internal.handshake.HandshakeFiles.removeDirectory;
import static io.jdaemon.internal.handshake.HandshakeFiles.write;
import static io.jdaemon.internal.handshake.HandshakeFiles.writeOwn;
import static io.jdaemon.internal.handshake.LeftoverSweep.sweep;

import io.jdaemon.DaemonException;
import io.jdaemon.internal.handshake.Handshake.Outcome;
import io.jdaemon.internal.handshake.Handshake.Settings;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The launcher's end of the handshake: the private directory with the settings, the outcome read
 * from it, removed on close.
 */
public final class LauncherEnd implements AutoCloseable {
    private final Path dir;
    private final FileModes.Stat created;
    private final File outcome;
    private final File extend;
    private final int ownerUid;
    /**
     * The directory, opened while it was still this launcher's alone, when it is given to
     * another user: that user may then rename it and put a link in its place, so its files
     * are read and removed through this descriptor, never by path. Null when the directory
     * stays this user's (nobody else can change it) or where there is no such stream.
     */
    private final SecureDirectoryStream<Path> held;
    private boolean hasJvmOptions;
    private boolean closed;

    private LauncherEnd(Path dir, FileModes.Stat created, int ownerUid,
            SecureDirectoryStream<Path> held) {
        this.dir = dir;
        this.created = created;
        // java.io for the looks: a stat without an exception when absent.
        this.outcome = dir.resolve(OUTCOME).toFile();
        this.extend = dir.resolve(EXTEND).toFile();
        this.ownerUid = ownerUid;
        this.held = held;
    }

    /** {@link #open(Settings, int, int)} for a daemon of this user. */
    public static LauncherEnd open(Settings settings) throws IOException {
        return open(settings, -1, -1);
    }

    /**
     * Creates a private directory (mode 0700) under {@code java.io.tmpdir} holding the
     * settings. The temporary directory must pass {@link TrustedPath} (else nobody could be
     * sure the outcome read later comes from the daemon).
     *
     * @param ownerUid the daemon's user, to whom the settings file and then the directory are
     *     given (not following links) once the settings are written; -1 for this user
     * @param ownerGid the daemon's group; -1 for this user's
     * @throws DaemonException (exit 6) naming {@code java.io.tmpdir} if it is unsafe,
     *     missing, read-only or full; nothing is left in it then
     */
    public static LauncherEnd open(Settings settings, int ownerUid, int ownerGid) throws IOException {
        return open(settings, List.of(), ownerUid, ownerGid);
    }

    /**
     * {@link #open(Settings, int, int)}, with the daemon's JVM options in an argument file
     * of the directory ({@link #jvmOptionsFile}), mode 0600, when there are any.
     */
    public static LauncherEnd open(Settings settings, List<String> jvmOptions, int ownerUid,
            int ownerGid) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        String untrusted = TrustedPath.untrusted(tmp);
        if (untrusted != null) {
            throw unusableTmpDir(tmp, untrusted.equals(tmp + " does not exist")
                    ? "it does not exist" : untrusted);
        }
        String base = DIRECTORY_PREFIX + Processes.selfPid() + "-" + Long.toHexString(System.nanoTime());
        for (int n = 0; ; n++) {
            Path dir = tmp.resolve(base + "-" + n);
            try {
                // mkdir never follows a link planted at the name: it fails, and we try another.
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FileModes.RWX_OWNER));
            } catch (FileAlreadyExistsException e) {
                if (n < 100) {
                    continue;
                }
                throw e;
            } catch (IOException e) {
                throw unusableTmpDir(tmp, reason(e));
            }
            LauncherEnd listener = null;
            FileModes.Stat created = null;
            SecureDirectoryStream<Path> held = null;
            try {
                created = FileModes.stat(dir);
                // Written while the directory is still this launcher's alone, where nobody
                // else can plant a link: java.io suffices (no channel classes in the
                // launcher). Then given to the daemon's user, the file before the directory.
                if (!jvmOptions.isEmpty()) {
                    writeOwn(dir, JVM_OPTIONS, ArgFiles.text(jvmOptions).getBytes(nativeCharset()));
                }
                writeOwn(dir, SETTINGS, encode(settings));
                if (ownerUid >= 0 && ownerUid != TrustedPath.Identity.current().uid) {
                    held = hold(dir);
                    if (!jvmOptions.isEmpty()) {
                        chown(dir.resolve(JVM_OPTIONS), ownerUid, ownerGid);
                    }
                    chown(dir.resolve(SETTINGS), ownerUid, ownerGid);
                    chown(dir, ownerUid, ownerGid);
                }
                listener = new LauncherEnd(dir, created,
                        ownerUid >= 0 ? ownerUid : TrustedPath.Identity.current().uid, held);
                listener.hasJvmOptions = !jvmOptions.isEmpty();
            } catch (IOException | RuntimeException e) {
                try {
                    remove(dir, created, held);
                } catch (IOException ignored) {
                    // reported below; what could not be removed is swept by the next launcher
                }
                if (e instanceof IOException) {
                    throw unusableTmpDir(tmp, reason((IOException) e));
                }
                throw e;
            }
            return listener;
        }
    }

    /**
     * Removes the handshake directories that launchers which are gone left beside this one
     * (see {@link sweep}); the launcher does it while its daemon starts.
     */
    public void sweepLeftovers() {
        sweep(dir.getParent());
    }

    /** The argument file of the daemon's JVM options, or null if it has none. */
    public String jvmOptionsFile() {
        return hasJvmOptions ? dir.resolve(JVM_OPTIONS).toString() : null;
    }

    /** The address the daemon reads from (the marker property's value). */
    public String address() {
        return dir.toString();
    }

    /**
     * The outcome the daemon with PID {@code pid} reported, or null if none yet.
     *
     * @throws IOException if the outcome was written by another process
     */
    public Outcome poll(long pid) throws IOException {
        if (!outcome.exists()) {
            return null; // the common case: one stat, no exception
        }
        byte[] bytes;
        try {
            bytes = read(OUTCOME);
        } catch (NoSuchFileException | FileNotFoundException e) {
            return null;
        }
        checkIdentity();
        String[] in = fields(bytes);
        String kind = in[0];
        long from = in.length > 1 ? number(in[1]) : 0;
        if (from != pid) {
            throw new IOException("an outcome from pid " + from + ", not the daemon's " + pid
                    + ", in " + dir);
        }
        switch (kind) {
            case READY:
                return new Outcome(Outcome.Kind.READY, "", pid);
            case RUNNING:
                return new Outcome(Outcome.Kind.RUNNING, "", number(field(in, 2)));
            case FAILED:
                return new Outcome(Outcome.Kind.FAILED, field(in, 2), pid);
            default:
                throw new IOException("unexpected outcome from the daemon: " + kind);
        }
    }

    /**
     * The later start deadline the daemon asked for (a {@code System.nanoTime()}), or 0 if
     * none or none that can be read (not a regular file, say).
     */
    public long extendedDeadline() {
        if (!extend.exists()) {
            return 0;
        }
        try {
            return number(fields(read(EXTEND))[0]);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A file of the handshake, at most {@link #MAX_FILE} bytes, not following a link, and
     * never blocking: a FIFO (or anything else not a regular file) at the name is refused
     * without waiting for a writer. When the directory is another user's (the daemon's, who
     * may put anything in it), through the directory's descriptor, opened read-write: Java
     * has no {@code O_NONBLOCK}, but opening a FIFO read-write never blocks (a socket does
     * not open at all), and a FIFO has no file position ({@code lseek} fails), which is how
     * it is told from a regular file on the descriptor itself, not by a check of the name that could
     * be raced. Only root hands the directory to another user, so the read-write open is
     * root's, on a file it never writes. In a directory of this user's alone (the daemon is
     * this user's too), a type check of the name, then java.io, which needs no channel
     * classes.
     */
    private byte[] read(String name) throws IOException {
        if (ownerUid == TrustedPath.Identity.current().uid) {
            if (!FileModes.stat(dir.resolve(name)).isRegularFile()) {
                throw new IOException(dir.resolve(name) + " is not a regular file");
            }
            try (InputStream in = new FileInputStream(dir.resolve(name).toFile())) {
                return in.readNBytes(MAX_FILE);
            }
        }
        Set<OpenOption> options = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel channel = held != null
                ? held.newByteChannel(Path.of(name), options)
                : Files.newByteChannel(dir.resolve(name), options)) {
            try {
                channel.position(0); // lseek: fails (ESPIPE) on a FIFO or socket
            } catch (IOException e) {
                throw new IOException(dir.resolve(name) + " is not a regular file");
            }
            return Channels.newInputStream(channel).readNBytes(MAX_FILE);
        }
    }

    /**
     * The outcome counts only if it was read from the directory this listener created: the
     * same directory (device and inode), still of the expected owner and mode 0700.
     */
    private void checkIdentity() throws IOException {
        FileModes.Stat stat = FileModes.stat(dir);
        if (!stat.isDirectory() || !stat.sameFile(created) || stat.uid != ownerUid
                || stat.permissions() != 0700) {
            throw new IOException("the readiness directory " + dir + " was replaced (now "
                    + (stat.isDirectory() ? "uid " + stat.uid + ", mode "
                    + Integer.toOctalString(stat.mode & 07777) : "not a directory")
                    + "); its outcome is not the daemon's");
        }
    }

    /**
     * Removes the handshake (see {@link remove}), once: the launcher's abort hook
     * and its own {@code try} may both close it, on two threads.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        remove(dir, created, held);
    }

    /**
     * Removes a handshake directory. One given to another user ({@code held}, its descriptor) is
     * emptied through that descriptor, and removed by path only while the path still names the
     * directory made ({@code created}): whatever that user put in its place stays. One of this
     * user's alone is removed by path ({@link #removeDirectory}).
     */
    static void remove(Path dir, FileModes.Stat created, SecureDirectoryStream<Path> held)
            throws IOException {
        if (held == null) {
            removeDirectory(dir);
            return;
        }
        try (SecureDirectoryStream<Path> entries = held) {
            for (Path entry : entries) {
                Path name = entry.getFileName();
                if (isHandshakeFile(name.toString())) {
                    try {
                        entries.deleteFile(name); // unlinkat: a link, not what it names
                    } catch (NoSuchFileException e) {
                        // the daemon renamed or removed it meanwhile
                    }
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        FileModes.Stat now;
        try {
            now = FileModes.stat(dir);
        } catch (NoSuchFileException e) {
            return;
        }
        if (now.isDirectory() && now.sameFile(created)) {
            Files.deleteIfExists(dir);
        }
    }

    /** The directory {@code dir} held open, or null where the platform has no such stream. */
    static SecureDirectoryStream<Path> hold(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream) {
            return (SecureDirectoryStream<Path>) stream;
        }
        stream.close();
        return null;
    }

    /** The operator's line for a temporary directory the handshake cannot use (exit 6). */
    static DaemonException unusableTmpDir(Path tmp, String why) {
        return new DaemonException("java.io.tmpdir " + tmp + " cannot hold the readiness handshake: "
                + why + "; fix it or start with -Djava.io.tmpdir=DIR, a directory only root or you "
                + "can write (or a sticky one, as /tmp)", ExitStatus.NOT_CONFIGURED);
    }

    static String reason(IOException e) {
        String message = e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
                ? ((FileSystemException) e).getReason() : String.valueOf(e.getMessage());
        if (message.contains("No space left")) {
            return "no space left on device";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        return message.toLowerCase(java.util.Locale.ROOT);
    }
}
