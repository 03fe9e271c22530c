package io.jdaemon.internal.handshake;

import io.jdaemon.internal.os.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The readiness handshake between the launcher and the daemon it started, through files in a
 * fresh directory only this user can enter (mode 0700, checked by the daemon). The launcher
 * writes the settings it resolved; the daemon reads them as soon as its JVM runs, and later
 * writes exactly one outcome (ready, failed with the reason, or already running), atomically by
 * renaming. The launcher reads the outcome when its helper wakes it (a file renamed into the
 * directory, the daemon's exit) and at least once a second; nothing is inherited, so the daemon
 * keeps no descriptor of the launcher's. A daemon whose launcher is gone before it read the
 * settings gives up; one whose launcher goes later completes its start and runs.
 *
 * <p>Files rather than an AF_UNIX socket: on JDK 17 the first AF_UNIX channel, like
 * {@code Files.createTempDirectory}, sets up {@code SecureRandom} and the JCA providers, tens of
 * milliseconds in each JVM on the path from launch to ready.
 *
 * <p>This class holds the names and the wire format: the marker property, the directory's files,
 * and their NUL-separated fields. {@link LauncherEnd} and {@link DaemonEnd} are the two ends.
 */
public final class Handshake {

    /**
     * The marker system property the launcher adds to the daemon's command line: its value is the
     * address of the handshake (the directory), and its presence tells the JVM it is the daemon.
     */
    public static final String MARKER = "jdaemon.launcher";

    static final String DIRECTORY_PREFIX = "jdaemon-";
    static final String SETTINGS = "settings";
    /**
     * The daemon's JVM options, an argument file ({@code java @FILE}) only the daemon's user can
     * read, removed by the daemon once its JVM runs: its command line names the file, not the
     * options.
     */
    public static final String JVM_OPTIONS = "jvm-options";
    static final String OUTCOME = "outcome";
    /** The daemon's "extend the wait" (Daemon.extendStartTimeout): a System.nanoTime() deadline. */
    static final String EXTEND = "extend";
    static final String READY = "READY";
    static final String FAILED = "FAILED";
    static final String RUNNING = "RUNNING";
    static final String TMP_INFIX = ".tmp-";
    /** The most the launcher reads of a handshake file (a failure's reason is cut at 16000 chars). */
    static final int MAX_FILE = 65536;
    /** How many NUL-separated fields the settings file has. */
    static final int SETTINGS_FIELDS = 7;

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

    private Handshake() {
    }

    /** The settings' fields, and last the launcher's PID namespace (for the sweep). */
    static byte[] encode(Settings settings) {
        return join(settings.pidFile(), settings.logFile(), settings.sighup(),
                settings.explicitReady() ? "1" : "0", Long.toString(settings.launcherPid()),
                settings.successor() ? "1" : "0", Processes.pidNamespace());
    }

    static Settings decode(byte[] bytes) throws IOException {
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
    static byte[] join(String... fields) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            text.append(i == 0 ? "" : "\0").append(fields[i].replace('\0', ' '));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static java.nio.charset.Charset nativeCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? java.nio.charset.Charset.defaultCharset()
                    : java.nio.charset.Charset.forName(name);
        } catch (RuntimeException e) {
            return java.nio.charset.Charset.defaultCharset();
        }
    }

    static String[] fields(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).split("\0", -1);
    }

    static String field(String[] fields, int i) throws IOException {
        if (i >= fields.length) {
            throw new IOException("malformed outcome: " + fields.length + " fields");
        }
        return fields[i];
    }

    static long number(String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("malformed number in the handshake: " + text, e);
        }
    }
}
