package io.jdaemon.internal.handshake;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.launch.ArgFiles;
import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The readiness handshake between the launcher and the daemon it started, through files in a
 * fresh directory only this user can enter (mode 0700, checked by the daemon). The launcher
 * writes the settings it resolved; the daemon reads them as soon as its JVM runs, and later
 * writes exactly one outcome (ready, failed with the reason, or already running), atomically by
 * renaming. The launcher polls for the outcome every millisecond and for the daemon's death
 * every few; nothing is inherited, so the daemon keeps no descriptor of the launcher's. A daemon
 * whose launcher is gone before it read the settings gives up; one whose launcher goes later
 * completes its start and runs.
 *
 * <p>Files rather than an AF_UNIX socket: on JDK 17 the first AF_UNIX channel, like
 * {@code Files.createTempDirectory}, sets up {@code SecureRandom} and the JCA providers, tens of
 * milliseconds in each JVM on the path from launch to ready.
 */
public final class Readiness {

    /**
     * The marker system property the launcher adds to the daemon's command line: its value is the
     * address of the handshake (the directory), and its presence tells the JVM it is the daemon.
     */
    public static final String MARKER = "jdaemon.launcher";

    private static final String DIRECTORY_PREFIX = "jdaemon-";
    private static final String SETTINGS = "settings";
    /**
     * The daemon's JVM options, an argument file ({@code java @FILE}) only the daemon's user can
     * read, removed by the daemon once its JVM runs: its command line names the file, not the
     * options.
     */
    public static final String JVM_OPTIONS = "jvm-options";
    private static final String OUTCOME = "outcome";
    /** The daemon's "extend the wait" (Daemon.extendStartTimeout): a System.nanoTime() deadline. */
    private static final String EXTEND = "extend";
    private static final String READY = "READY";
    private static final String FAILED = "FAILED";
    private static final String RUNNING = "RUNNING";
    private static final String TMP_INFIX = ".tmp-";
    /** The most the launcher reads of a handshake file (a failure's reason is cut at 16000 chars). */
    private static final int MAX_FILE = 65536;
    /** How many NUL-separated fields the settings file has. */
    private static final int SETTINGS_FIELDS = 7;

    /**
     * What the launcher resolved and the daemon needs: absolute paths, the policy; whether the
     * daemon succeeds a running one whose listening socket it took (its pidfile then waits
     * beside the running one's, see {@code PidFile.acquireAside}).
     */
    public record Settings(String pidFile, String logFile, String sighup, boolean explicitReady,
            long launcherPid, boolean successor) {
        /** The settings of a daemon that succeeds none. */
        public Settings(String pidFile, String logFile, String sighup, boolean explicitReady,
                long launcherPid) {
            this(pidFile, logFile, sighup, explicitReady, launcherPid, false);
        }
    }

    /** The daemon's report. */
    public record Outcome(Kind kind, String message, long pid) {
        /** The outcomes. */
        public enum Kind { READY, FAILED, RUNNING, DIED }
    }

    private Readiness() {
    }

    /** The launcher's end: the directory with the settings, removed on close. */
    public static final class Listener implements AutoCloseable {
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

        private Listener(Path dir, FileModes.Stat created, int ownerUid,
                SecureDirectoryStream<Path> held) {
            this.dir = dir;
            this.created = created;
            // java.io for the polls: a stat every millisecond without an exception when absent.
            this.outcome = dir.resolve(OUTCOME).toFile();
            this.extend = dir.resolve(EXTEND).toFile();
            this.ownerUid = ownerUid;
            this.held = held;
        }

        /** {@link #open(Settings, int, int)} for a daemon of this user. */
        public static Listener open(Settings settings) throws IOException {
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
        public static Listener open(Settings settings, int ownerUid, int ownerGid) throws IOException {
            return open(settings, List.of(), ownerUid, ownerGid);
        }

        /**
         * {@link #open(Settings, int, int)}, with the daemon's JVM options in an argument file
         * of the directory ({@link #jvmOptionsFile}), mode 0600, when there are any.
         */
        public static Listener open(Settings settings, List<String> jvmOptions, int ownerUid,
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
                Listener listener = null;
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
                    listener = new Listener(dir, created,
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
         * (see {@link Readiness#sweep}); the launcher does it while its daemon starts.
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
                return null; // the common case: one stat, no exception, every millisecond
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
         * Removes the handshake (see {@link Readiness#remove}), once: the launcher's abort hook
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
    }

    /**
     * Removes a handshake directory. One given to another user ({@code held}, its descriptor) is
     * emptied through that descriptor, and removed by path only while the path still names the
     * directory made ({@code created}): whatever that user put in its place stays. One of this
     * user's alone is removed by path ({@link #removeDirectory}).
     */
    private static void remove(Path dir, FileModes.Stat created, SecureDirectoryStream<Path> held)
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
    private static SecureDirectoryStream<Path> hold(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream) {
            return (SecureDirectoryStream<Path>) stream;
        }
        stream.close();
        return null;
    }

    /** The daemon's end. */
    public static final class Reporter {
        private final Path dir;
        private long pid;
        private long launcherPid;
        private boolean done;

        private Reporter(Path dir) {
            this.dir = dir;
        }

        /**
         * The launcher's directory at {@code address}: a directory of this user's that nobody
         * else can enter, holding the settings.
         *
         * @throws IOException if there is none
         */
        public static Reporter connect(String address) throws IOException {
            Path dir = Path.of(address);
            FileModes.Stat stat = FileModes.stat(dir);
            if (!stat.isDirectory() || stat.uid != TrustedPath.Identity.current().uid
                    || stat.permissions() != 0700) {
                throw new IOException(dir + " is not a private directory of this user's");
            }
            if (!FileModes.stat(dir.resolve(SETTINGS)).isRegularFile()) {
                throw new NoSuchFileException(dir.resolve(SETTINGS).toString());
            }
            return new Reporter(dir);
        }

        /**
         * Takes the launcher's settings for the daemon with this PID.
         *
         * @throws IOException if the launcher is gone: a launcher that was killed before its
         *     daemon ran means the start was given up, so the daemon must not go on
         */
        public Settings hello(long daemonPid) throws IOException {
            // Its JVM has read its options: nobody reads them again.
            Files.deleteIfExists(dir.resolve(JVM_OPTIONS));
            Settings settings = decode(Files.readAllBytes(dir.resolve(SETTINGS)));
            this.pid = daemonPid;
            this.launcherPid = settings.launcherPid();
            if (!Processes.isAlive(launcherPid)) {
                removeDirectory(dir);
                throw new IOException("the launcher, pid " + launcherPid + ", is gone");
            }
            return settings;
        }

        /** Reports readiness. */
        public synchronized void ready() {
            finish(READY, null, 0);
        }

        /** Reports a failure with its reason. */
        public synchronized void failed(String reason) {
            finish(FAILED, reason, 0);
        }

        /** Reports that another daemon holds the pidfile. */
        public synchronized void running(long holder) {
            finish(RUNNING, null, holder);
        }

        /**
         * Asks the launcher to wait until {@code deadline} (a {@code System.nanoTime()}, the
         * monotonic clock both JVMs share) before it gives up; a no-op once an outcome was
         * reported.
         */
        public synchronized void extend(long deadline) {
            if (done) {
                return;
            }
            try {
                write(dir, EXTEND, join(Long.toString(deadline)));
            } catch (IOException | RuntimeException e) {
                // The launcher is gone: nobody waits.
            }
        }

        /** Whether an outcome was reported. */
        public synchronized boolean done() {
            return done;
        }

        private void finish(String kind, String message, long holder) {
            if (done) {
                return;
            }
            done = true;
            try {
                String detail = "";
                if (FAILED.equals(kind)) {
                    detail = message.length() > 16000 ? message.substring(0, 16000) : message;
                } else if (RUNNING.equals(kind)) {
                    detail = Long.toString(holder);
                }
                write(dir, OUTCOME, join(kind, Long.toString(pid), detail));
                if (!Processes.isAlive(launcherPid)) {
                    removeDirectory(dir); // a launcher that was killed cannot remove it
                }
            } catch (IOException | RuntimeException e) {
                // The launcher is gone and removed its directory: carry on without it.
            }
        }
    }

    /**
     * Writes a file in the directory atomically: under a temporary name created anew (not
     * following a link), then renamed.
     */
    private static void write(Path dir, String name, byte[] content) throws IOException {
        Path tmp = dir.resolve(name + TMP_INFIX + Processes.selfPid());
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            out.write(content);
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * {@link #write} in a directory that only this process's user can enter and that user has
     * just made, so no other user can have planted a link at either name: with java.io.
     */
    private static void writeOwn(Path dir, String name, byte[] content) throws IOException {
        File tmp = dir.resolve(name + TMP_INFIX + Processes.selfPid()).toFile();
        try (FileOutputStream out = new FileOutputStream(tmp)) {
            // 0600 before anything is written (java.io: no EnumSet of permissions).
            if (!tmp.setReadable(false, false) || !tmp.setWritable(false, false)
                    || !tmp.setReadable(true, true) || !tmp.setWritable(true, true)) {
                throw new IOException("cannot make " + tmp + " private");
            }
            out.write(content);
        }
        if (!tmp.renameTo(dir.resolve(name).toFile())) {
            throw new IOException("cannot rename " + tmp + " to " + name);
        }
    }

    private static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        if (gid >= 0) {
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Removes the handshake directory: the files the handshake writes (and their temporary
     * names), never following a link, then the directory; anything else in it stays.
     */
    private static void removeDirectory(Path dir) throws IOException {
        // java.io's list, no directory stream (start-up rule: see StartupRulesIT).
        String[] names = dir.toFile().list();
        if (names == null) {
            if (Files.isDirectory(dir)) {
                throw new IOException("cannot list " + dir);
            }
            return; // gone, or not a directory
        }
        for (String name : names) {
            if (isHandshakeFile(name)) {
                Files.deleteIfExists(dir.resolve(name)); // removes a link, not what it names
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Whether {@code name} is one of the files the handshake writes, or a temporary name of one. */
    private static boolean isHandshakeFile(String name) {
        return name.equals(SETTINGS) || name.equals(OUTCOME) || name.equals(EXTEND)
                || name.equals(JVM_OPTIONS) || name.startsWith(JVM_OPTIONS + TMP_INFIX)
                || name.startsWith(SETTINGS + TMP_INFIX) || name.startsWith(OUTCOME + TMP_INFIX)
                || name.startsWith(EXTEND + TMP_INFIX);
    }

    /**
     * Removes handshake directories that launchers which are gone left in {@code tmp} (killed
     * with SIGKILL, say): {@code jdaemon-PID-HEX-N}, a directory (not a link) of this user's,
     * made in this PID namespace, whose PID is dead or no longer a JVM. Best effort.
     */
    private static void sweep(Path tmp) {
        // java.io's list and no glob: no directory stream or regex set up for a usually empty sweep.
        String[] names = tmp.toFile().list();
        if (names == null) {
            return; // the temporary directory cannot be listed: the start goes on
        }
        try {
            for (String name : names) {
                Path entry = tmp.resolve(name);
                long pid = launcherPid(name);
                if (pid <= 0 || pid == Processes.selfPid() || (Processes.isAlive(pid) && isJvm(pid))) {
                    continue;
                }
                try {
                    FileModes.Stat stat = FileModes.stat(entry);
                    if (stat.isDirectory() && stat.uid == TrustedPath.Identity.current().uid
                            && ofThisPidNamespace(entry)) {
                        removeDirectory(entry);
                    }
                } catch (IOException | RuntimeException e) {
                    // another launcher swept it first, or it is not ours to remove
                }
            }
        } catch (RuntimeException e) {
            // best effort: the start goes on
        }
    }

    /**
     * Whether the launcher that made this directory (of this user's) ran in this PID namespace,
     * as its settings say: one in another namespace that shares the temporary directory (a
     * container's /tmp mounted from the host) has a PID that means nothing here, and may be alive.
     * No settings, or settings that do not say, count as this namespace's.
     *
     * @throws IOException if the settings cannot be read: the directory is then kept
     */
    private static boolean ofThisPidNamespace(Path dir) throws IOException {
        Path settings = dir.resolve(SETTINGS);
        String[] in;
        try {
            if (!FileModes.stat(settings).isRegularFile()) {
                return true;
            }
            try (InputStream stream = new FileInputStream(settings.toFile())) {
                in = fields(stream.readAllBytes());
            }
        } catch (NoSuchFileException | FileNotFoundException e) {
            return true;
        }
        return in.length < SETTINGS_FIELDS || in[SETTINGS_FIELDS - 1].equals(Processes.pidNamespace());
    }

    /** The launcher's PID in a handshake directory's name {@code jdaemon-PID-HEX-N}, else -1. */
    static long launcherPid(String name) {
        if (!name.startsWith(DIRECTORY_PREFIX)) {
            return -1;
        }
        int first = DIRECTORY_PREFIX.length();
        int second = name.indexOf('-', first);
        int third = second < 0 ? -1 : name.indexOf('-', second + 1);
        if (third < 0 || !allOf(name, first, second, "0123456789")
                || !allOf(name, second + 1, third, "0123456789abcdef")
                || !allOf(name, third + 1, name.length(), "0123456789")) {
            return -1;
        }
        return Decimal.parse(name.substring(first, second));
    }

    /** Whether {@code s[from, to)} is not empty and made of {@code chars} only. */
    private static boolean allOf(String s, int from, int to, String chars) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (chars.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the live process {@code pid} runs a JVM (its executable is named java); true if unknown. */
    private static boolean isJvm(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.getFileName() != null && exe.getFileName().toString().equals("java");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** The operator's line for a temporary directory the handshake cannot use (exit 6). */
    private static DaemonException unusableTmpDir(Path tmp, String why) {
        return new DaemonException("java.io.tmpdir " + tmp + " cannot hold the readiness handshake: "
                + why + "; fix it or start with -Djava.io.tmpdir=DIR, a directory only root or you "
                + "can write (or a sticky one, as /tmp)", ExitStatus.NOT_CONFIGURED);
    }

    private static String reason(IOException e) {
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

    /** The settings' fields, and last the launcher's PID namespace (for the sweep). */
    private static byte[] encode(Settings settings) {
        return join(settings.pidFile(), settings.logFile(), settings.sighup(),
                settings.explicitReady() ? "1" : "0", Long.toString(settings.launcherPid()),
                settings.successor() ? "1" : "0", Processes.pidNamespace());
    }

    private static Settings decode(byte[] bytes) throws IOException {
        String[] in = fields(bytes);
        if (in.length != SETTINGS_FIELDS) {
            throw new IOException("malformed settings: " + in.length + " fields");
        }
        return new Settings(in[0], in[1], in[2], in[3].equals("1"), number(in[4]), in[5].equals("1"));
    }

    /**
     * Fields as UTF-8 text separated by NUL, which no path holds (a NUL in a message becomes a
     * space). Not {@code DataOutputStream}: on JDK 25 its numbers go through
     * {@code VarHandle}s, whose first use costs milliseconds in each JVM.
     */
    private static byte[] join(String... fields) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            text.append(i == 0 ? "" : "\0").append(fields[i].replace('\0', ' '));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static java.nio.charset.Charset nativeCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? java.nio.charset.Charset.defaultCharset()
                    : java.nio.charset.Charset.forName(name);
        } catch (RuntimeException e) {
            return java.nio.charset.Charset.defaultCharset();
        }
    }

    private static String[] fields(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).split("\0", -1);
    }

    private static String field(String[] fields, int i) throws IOException {
        if (i >= fields.length) {
            throw new IOException("malformed outcome: " + fields.length + " fields");
        }
        return fields[i];
    }

    private static long number(String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("malformed number in the handshake: " + text, e);
        }
    }
}
