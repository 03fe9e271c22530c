package io.jdaemon.internal;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

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

    private static final String DIRECTORY_PREFIX = "jdaemon-";
    private static final String SETTINGS = "settings";
    private static final String OUTCOME = "outcome";
    private static final String READY = "READY";
    private static final String FAILED = "FAILED";
    private static final String RUNNING = "RUNNING";

    /** What the launcher resolved and the daemon needs: absolute paths, the policy. */
    public record Settings(String pidFile, String logFile, String sighup, boolean explicitReady,
            long launcherPid) {
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
        private final File outcome;

        private Listener(Path dir) {
            this.dir = dir;
            this.outcome = dir.resolve(OUTCOME).toFile();
        }

        /** Creates a private directory under {@code java.io.tmpdir} holding the settings. */
        public static Listener open(Settings settings) throws IOException {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            String base = DIRECTORY_PREFIX + ProcStat.selfPid() + "-" + Long.toHexString(System.nanoTime());
            for (int n = 0; ; n++) {
                Path dir = tmp.resolve(base + "-" + n);
                try {
                    // mkdir never follows a link planted at the name: it fails, and we try another.
                    Files.createDirectory(dir,
                            PosixFilePermissions.asFileAttribute(FileModes.RWX_OWNER));
                } catch (FileAlreadyExistsException e) {
                    if (n < 100) {
                        continue;
                    }
                    throw e;
                }
                Listener listener = new Listener(dir);
                try {
                    write(dir, SETTINGS, encode(settings));
                } catch (IOException | RuntimeException e) {
                    listener.close();
                    throw e;
                }
                return listener;
            }
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
            try (FileInputStream in = new FileInputStream(outcome)) {
                bytes = in.readAllBytes();
            } catch (FileNotFoundException e) {
                return null;
            }
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

        @Override
        public void close() throws IOException {
            removeDirectory(dir);
        }
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
            PosixFileAttributes attrs =
                    Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isDirectory() || !ProcStat.isOwnedByThisUser(dir, attrs)
                    || !FileModes.are(dir, 0700)) {
                throw new IOException(dir + " is not a private directory of this user's");
            }
            if (!Files.isRegularFile(dir.resolve(SETTINGS), LinkOption.NOFOLLOW_LINKS)) {
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
            Settings settings = decode(Files.readAllBytes(dir.resolve(SETTINGS)));
            this.pid = daemonPid;
            this.launcherPid = settings.launcherPid();
            if (!ProcStat.isAlive(launcherPid)) {
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
                if (!ProcStat.isAlive(launcherPid)) {
                    removeDirectory(dir); // a launcher that was killed cannot remove it
                }
            } catch (IOException | RuntimeException e) {
                // The launcher is gone and removed its directory: carry on without it.
            }
        }
    }

    /** Writes a file in the directory atomically: under a temporary name, then renamed. */
    private static void write(Path dir, String name, byte[] content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp-" + ProcStat.selfPid());
        // java.io streams, loaded at JVM boot: the launcher sets up no NIO channel at all.
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(content);
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void removeDirectory(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(SETTINGS));
        Files.deleteIfExists(dir.resolve(OUTCOME));
        Files.deleteIfExists(dir);
    }

    private static byte[] encode(Settings settings) {
        return join(settings.pidFile(), settings.logFile(), settings.sighup(),
                settings.explicitReady() ? "1" : "0", Long.toString(settings.launcherPid()));
    }

    private static Settings decode(byte[] bytes) throws IOException {
        String[] in = fields(bytes);
        if (in.length != 5) {
            throw new IOException("malformed settings: " + in.length + " fields");
        }
        return new Settings(in[0], in[1], in[2], in[3].equals("1"), number(in[4]));
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
