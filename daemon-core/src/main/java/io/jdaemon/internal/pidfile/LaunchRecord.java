package io.jdaemon.internal.pidfile;

import io.jdaemon.DaemonOptions;
import io.jdaemon.internal.helper.HelperCache;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The launch record: what the launcher needs to start a daemon again, and which process it
 * started, written by the launcher once its daemon is ready. {@code --daemon=restart} starts
 * from it (never from a process's {@code /proc/PID/cmdline}, which the process's owner can
 * rewrite), and the control commands take it as the proof of which process, running as which
 * user, holds the pidfile (see {@link DaemonIdentity}).
 *
 * <p>Where: a private directory of the launching user ({@code $XDG_STATE_HOME/jdaemon}, else
 * {@code ~/.local/state/jdaemon}, else {@code java.io.tmpdir/jdaemon-state-USER}), mode 0700,
 * owned by that user, in parents only root and that user can change: the helper cache's rules
 * ({@link HelperCache#makePrivate}). So only that user and root can write a record, and a
 * record read by root was written by root: a {@code --user} daemon's user cannot change what
 * root restarts. One file per pidfile, named by a hash of the pidfile's absolute path (the
 * path is what the operator names on every command; the pidfile's inode changes with each
 * start), and holding that path, checked on reading.
 *
 * <p>Written under a temporary name in the directory, then renamed over the old record: a
 * reader sees the old or the new one whole. Read only if it is a regular file with one link owned
 * by this user, looked at without following a link; in a directory nobody else can write, the
 * name cannot be swapped for a FIFO or a link between that look and the open.
 */
public final class LaunchRecord {

    private static final long MAX_SIZE = 1 << 20;

    private final Path pidFile;
    private final long pid;
    private final long startTicks;
    private final long uid;
    private final DaemonOptions options;
    private final JvmCommandLine commandLine;
    private final boolean stopping;
    /** The daemon this one took the listening socket from, while it stops; 0 if none. */
    private long predecessorPid;
    private long predecessorStart = -1;

    /**
     * @param options the daemon's options, its {@code --jvm-option}s among them
     * @param commandLine the command line the launcher ran, without what the library adds to it
     *     (those options, the marker, {@code -XX:+DisableAttachMechanism})
     */
    public LaunchRecord(Path pidFile, long pid, long startTicks, long uid, DaemonOptions options,
            JvmCommandLine commandLine, boolean stopping) {
        this.pidFile = pidFile.toAbsolutePath().normalize();
        this.pid = pid;
        this.startTicks = startTicks;
        this.uid = uid;
        this.options = options;
        this.commandLine = commandLine;
        this.stopping = stopping;
    }

    /** The pidfile, absolute. */
    public Path pidFile() {
        return pidFile;
    }

    /** The daemon's PID. */
    public long pid() {
        return pid;
    }

    /** The daemon's start time (field 22 of /proc/PID/stat); -1 where unknown. */
    public long startTicks() {
        return startTicks;
    }

    /** The user id the daemon runs as, and owns its pidfile as. */
    public long uid() {
        return uid;
    }

    /** The options the daemon was started with (this launcher's, defaults and flags applied). */
    public DaemonOptions options() {
        return options;
    }

    /** The JVM command line as the launcher ran it, without what the library adds to it. */
    public JvmCommandLine commandLine() {
        return commandLine;
    }

    /** Whether a stop of this daemon is under way (or was, and failed). */
    public boolean stopping() {
        return stopping;
    }

    /** This record with the stop mark set or cleared. */
    public LaunchRecord stopping(boolean mark) {
        return new LaunchRecord(pidFile, pid, startTicks, uid, options, commandLine, mark)
                .predecessor(predecessorPid, predecessorStart);
    }

    /**
     * This record naming also the daemon its daemon took the listening socket from (a restart
     * that hands it over), which holds the pidfile until the successor's file replaces it and
     * then stops; {@code pid} 0 for none.
     */
    public LaunchRecord predecessor(long pid, long startTicks) {
        this.predecessorPid = pid;
        this.predecessorStart = startTicks;
        return this;
    }

    /** The predecessor's PID, 0 if none. */
    long predecessorPid() {
        return predecessorPid;
    }

    /** The predecessor's start time, -1 if none. */
    long predecessorStart() {
        return predecessorStart;
    }

    /**
     * Whether process {@code pid} with start time {@code startTicks} is the recorded daemon, or
     * the predecessor it is taking over from.
     */
    public boolean names(long pid, long startTicks) {
        return pid == this.pid && startTicks == this.startTicks
                || predecessorPid > 0 && pid == predecessorPid && startTicks == predecessorStart;
    }

    /**
     * Whether the recorded process still runs: that PID with that start time, as that user
     * (real and effective). Where there is no /proc, whether a process of that PID is alive.
     */
    public boolean processAlive() {
        if (!Processes.hasProc()) {
            return Processes.isAlive(pid);
        }
        long[] ids = Processes.uids(pid);
        return ids != null && ids[0] == uid && ids[1] == uid
                && Processes.startTicks(pid) == startTicks && Processes.isAlive(pid);
    }

    /**
     * Writes the record of {@code pidFile}'s daemon, replacing the old one.
     *
     * @return null, or why it could not be written (the start stands; a restart then uses its
     *     own flags and says so)
     */
    public static String write(LaunchRecord record) {
        Path dir;
        try {
            dir = directory();
        } catch (IOException e) {
            return e.getMessage();
        }
        Path file = dir.resolve(fileName(record.pidFile));
        Path tmp = dir.resolve("." + file.getFileName() + "." + Processes.selfPid() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            // java.io (start-up rule: see StartupRulesIT): no link can be planted in a private dir.
            File out = tmp.toFile();
            try (FileOutputStream stream = new FileOutputStream(out)) {
                if (!out.setReadable(false, false) || !out.setWritable(false, false)
                        || !out.setReadable(true, true) || !out.setWritable(true, true)) {
                    throw new IOException("cannot make " + tmp + " private");
                }
                stream.write(record.text().getBytes(StandardCharsets.UTF_8));
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            return "cannot write the launch record " + file + ": " + e;
        }
    }

    /** The record this user's launcher wrote for {@code pidFile}; null if none is readable. */
    public static LaunchRecord read(Path pidFile) {
        Path abs = pidFile.toAbsolutePath().normalize();
        try {
            Path file = directory().resolve(fileName(abs));
            FileModes.Stat stat = FileModes.stat(file);
            if (!stat.isRegularFile() || stat.uid != TrustedPath.Identity.current().uid
                    || stat.size > MAX_SIZE || linkCount(file) != 1) {
                return null;
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            LaunchRecord record = parse(text);
            return record != null && record.pidFile.equals(abs) ? record : null;
        } catch (IOException | RuntimeException e) {
            return null; // none, or not one of ours: the caller says what it does without
        }
    }

    /**
     * Removes the record of {@code pidFile} if it still names {@code pid} (after that daemon was
     * stopped or found gone; a start meanwhile has written its own, which stays).
     */
    public static void remove(Path pidFile, long pid) {
        LaunchRecord record = read(pidFile);
        if (record == null || record.pid != pid) {
            return;
        }
        try {
            Files.deleteIfExists(directory().resolve(fileName(pidFile.toAbsolutePath().normalize())));
        } catch (IOException | RuntimeException e) {
            // none; a record of a process gone is recognised as such anyway
        }
    }

    /**
     * The file whose lock a restart of {@code pidFile}'s daemon holds while it runs, beside the
     * record in the private directory (no other user can plant a link there).
     *
     * @throws IOException if there is no private directory
     */
    public static Path restartLockFile(Path pidFile) throws IOException {
        String record = fileName(pidFile.toAbsolutePath().normalize());
        return directory().resolve(record.substring(0, record.length() - ".launch".length()) + ".restart");
    }

    /** The private directory, made if needed. */
    static Path directory() throws IOException {
        List<Path> candidates = new ArrayList<>();
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            candidates.add(Path.of(xdg, "jdaemon"));
        }
        String home = System.getProperty("user.home");
        if (home != null && home.startsWith("/") && !home.equals("/")) {
            candidates.add(Path.of(home, ".local", "state", "jdaemon"));
        }
        candidates.add(Path.of(System.getProperty("java.io.tmpdir"),
                "jdaemon-state-" + System.getProperty("user.name")).toAbsolutePath());
        List<String> problems = new ArrayList<>();
        for (Path dir : candidates) {
            String problem = HelperCache.makePrivate(dir);
            if (problem == null) {
                return dir;
            }
            problems.add(problem);
        }
        throw new IOException("no private directory for launch records (" + String.join("; ", problems)
                + ")");
    }

    /**
     * The file name of the record of the pidfile {@code abs}: a 64-bit FNV-1a hash of its path
     * (no digest: start-up rule, see StartupRulesIT); the path inside the record is checked on
     * reading.
     */
    static String fileName(Path abs) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : abs.toString().getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        String hex = Long.toHexString(hash);
        return "0000000000000000".substring(hex.length()) + hex + ".launch";
    }

    private static long linkCount(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /** The record as text ({@link LaunchRecordText}). */
    String text() {
        return LaunchRecordText.of(this);
    }

    /** A record from its text; null if it is not one. */
    static LaunchRecord parse(String text) {
        return LaunchRecordText.parse(text);
    }
}
