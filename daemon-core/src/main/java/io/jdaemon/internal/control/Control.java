package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.daemon.ReloadState;
import io.jdaemon.internal.helper.HelperControl;
import io.jdaemon.internal.helper.HelperProtocol;
import io.jdaemon.internal.launch.JvmCommandLine;
import io.jdaemon.internal.launch.LaunchRecord;
import io.jdaemon.internal.launch.Launcher;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.pidfile.DaemonIdentity;
import io.jdaemon.internal.pidfile.PidFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The control commands {@code --daemon=stop|restart|status|reload}, run in the launching JVM from
 * the pidfile: each acts, prints one line and returns an LSB exit code. The daemon is identified
 * by the pidfile's lock and its holder, as the kernel names it ({@code fcntl(F_GETLK)}, asked by
 * the helper: see {@link HelperControl}), never by {@code kill -0} on whatever PID the file names,
 * so a stale file or a reused PID is never signalled; whether that holder is the daemon is
 * {@link DaemonIdentity}'s decision. A restart starts from the {@link LaunchRecord} of this
 * user, never from a process's command line.
 */
public final class Control {

    private final DaemonOptions options;
    private final Flags.Parsed parsed;
    private final String name;

    /**
     * @param defaults the service's programmatic defaults (unused: what this command does not
     *     give comes from the launch record, or this command's own options)
     * @param options the effective options of this command
     * @param name the name used in messages
     */
    public Control(DaemonOptions defaults, DaemonOptions options, String name) {
        this.options = options;
        this.parsed = null;
        this.name = name;
    }

    /** A control command of these parsed flags: those it gives override a launch record's. */
    public Control(Flags.Parsed parsed, String name) {
        this.options = parsed.options();
        this.parsed = parsed;
        this.name = name;
    }

    private boolean given(String flag) {
        return parsed != null && parsed.given(flag);
    }

    /**
     * Runs a control action.
     *
     * @return what to tell the operator, and the exit status
     * @throws DaemonException for a failure the operator can fix (one line)
     */
    public Report run(Flags.Action action, boolean force) {
        Path pidFile = options.pidFile();
        if (pidFile == null) {
            throw new DaemonException("--daemon=" + action.name().toLowerCase(Locale.ROOT)
                    + " needs the pidfile: add --pidfile=PATH", ExitStatus.USAGE);
        }
        switch (action) {
            case STATUS:
                return statusReport(status(pidFile));
            case STOP:
                return stopReport(pidFile, force);
            case RESTART:
                return restart(pidFile, force);
            case RELOAD:
                return reload(pidFile);
            default:
                throw new IllegalArgumentException(action.toString());
        }
    }

    /**
     * What a pidfile says of its daemon; {@code Daemon.status} and {@code Daemon.stop} give it
     * out as a DaemonStatus.
     */
    public static final class Status {
        private final DaemonStatus.State state;
        private final long pid;
        private final String detail;
        private final long startTicks;
        private final boolean pidFileRemoved;
        private final List<String> notes = new ArrayList<>();
        private boolean noPermission;

        Status(DaemonStatus.State state, long pid, String detail) {
            this(state, pid, detail, -1, false);
        }

        Status(DaemonStatus.State state, long pid, String detail, long startTicks,
                boolean pidFileRemoved) {
            this.state = state;
            this.pid = pid;
            this.detail = detail == null ? "" : detail;
            this.startTicks = startTicks;
            this.pidFileRemoved = pidFileRemoved;
        }

        /** The state, with its LSB code. */
        public DaemonStatus.State state() {
            return state;
        }

        /** The running daemon's PID, or the one a stale pidfile names; 0 if none. */
        public long pidOrZero() {
            return pid;
        }

        OptionalLong pid() {
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        }

        /** The running daemon's start time (field 22 of /proc/PID/stat); -1 where unknown. */
        long startTicks() {
            return startTicks;
        }

        /** Why the state is UNKNOWN; empty otherwise. */
        public String detail() {
            return detail;
        }

        /** Whether the daemon runs but its pidfile was removed (with its directory, say). */
        public boolean pidFileRemoved() {
            return pidFileRemoved;
        }

        /** What a stop had to do that the operator should know, one line each. */
        List<String> notes() {
            return notes;
        }
    }

    /** The state of the daemon behind a pidfile. */
    public static Status status(Path pidFile) {
        String replaceable = PidFile.replaceableDirectory(pidFile);
        if (replaceable != null) {
            return new Status(DaemonStatus.State.UNKNOWN, 0, replaceable);
        }
        PidFile.State state;
        try {
            state = PidFile.inspect(pidFile);
        } catch (DaemonException e) {
            return new Status(DaemonStatus.State.UNKNOWN, 0, e.getMessage());
        }
        if (!state.exists()) {
            // Its directory removed, say: the daemon this user started for it may still run,
            // holding the removed file open.
            LaunchRecord record = LaunchRecord.read(pidFile);
            if (record != null && record.processAlive() && holdsRemoved(record.pid(), pidFile)) {
                return new Status(DaemonStatus.State.RUNNING, record.pid(), null, record.startTicks(), true);
            }
            return new Status(DaemonStatus.State.NOT_RUNNING, 0, null);
        }
        if (!state.locked()) {
            return new Status(DaemonStatus.State.DEAD, state.pid().orElse(0), null);
        }
        if (state.problem() != null) {
            Status unknown = new Status(DaemonStatus.State.UNKNOWN, 0, state.problem()
                    + "; not touching it (remove the lock or choose another --pidfile)");
            unknown.noPermission = state.anotherUsers() && TrustedPath.Identity.current().uid != 0;
            return unknown;
        }
        return new Status(DaemonStatus.State.RUNNING, state.holder().getAsLong(), null,
                state.holderStart(), false);
    }

    /**
     * Whether process {@code pid} has {@code pidFile} open although no file is at that path any
     * more: its descriptor's link in /proc reads {@code DIR/.NAME.PID.tmp (deleted)}, the name
     * the daemon created it under.
     */
    static boolean holdsRemoved(long pid, Path pidFile) {
        String[] fds = new File("/proc/" + pid + "/fd").list();
        if (fds == null) {
            return false;
        }
        // The daemon opened it under its temporary name (see PidFile.acquire), removed since.
        Path path = pidFile.toAbsolutePath().normalize();
        String removed = path.resolveSibling("." + path.getFileName() + "." + pid + ".tmp") + " (deleted)";
        for (String fd : fds) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", fd)).toString()
                        .equals(removed)) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // closed meanwhile
            }
        }
        return false;
    }

    /**
     * Stops the daemon behind a pidfile: SIGTERM (then SIGCONT, if the process is stopped, so it
     * can act on it), then waits until the process is gone, up to {@code timeout}; past it,
     * SIGKILL if {@code force}, else a failure. Removes a stale pidfile. Only a process proven to
     * be the daemon is signalled (see {@link DaemonIdentity}).
     *
     * @return what the pidfile said before the stop: RUNNING with the PID now stopped, DEAD with
     *     the PID of the stale pidfile now removed, or NOT_RUNNING (no pidfile); never UNKNOWN
     * @throws DaemonException if the daemon is still running after the timeout, or the pidfile's
     *     holder is not provably the daemon
     */
    public static Status stop(Path pidFile, Duration timeout, boolean force) {
        for (int attempt = 0; ; attempt++) {
            Status status = status(pidFile);
            LaunchRecord record = LaunchRecord.read(pidFile);
            switch (status.state()) {
                case UNKNOWN:
                    // another user's daemon, to a user who could not signal it anyway: LSB 4
                    throw new DaemonException(status.detail(), status.noPermission
                            ? ExitStatus.NO_PERMISSION : ExitStatus.FAILED);
                case NOT_RUNNING:
                    if (record != null && !record.processAlive()) {
                        LaunchRecord.remove(pidFile, record.pid());
                    }
                    return status;
                case DEAD:
                    try {
                        PidFile.removeStale(pidFile, staleOwner(pidFile, record));
                        if (record != null && !record.processAlive()) {
                            LaunchRecord.remove(pidFile, record.pid());
                        }
                        return status;
                    } catch (PidFile.HeldException e) {
                        if (attempt >= 3) {
                            throw new DaemonException("pidfile " + pidFile + " keeps changing "
                                    + "between stale and locked; try again", ExitStatus.FAILED);
                        }
                        continue; // a daemon started meanwhile: stop that one
                    }
                default:
                    break;
            }
            long pid = status.pid().getAsLong();
            boolean ours = record != null && record.pid() == pid;
            if (ours) {
                LaunchRecord.write(record.stopping(true)); // a start meanwhile waits for the exit
            }
            try {
                if (status.pidFileRemoved()) {
                    stopWithoutPidFile(status, timeout, force);
                } else {
                    stopHolder(pidFile, status, timeout, force);
                }
            } catch (DaemonException e) {
                if (ours) {
                    LaunchRecord.write(record); // still running: no stop under way any more
                }
                throw e;
            }
            if (ours) {
                LaunchRecord.remove(pidFile, pid);
            }
            return stoppedBy(pidFile, status, ours ? record.uid() : staleOwner(pidFile, null));
        }
    }

    /** SIGTERM to the proven holder, SIGCONT if it is stopped, and the wait (see {@link #stop}). */
    private static void stopHolder(Path pidFile, Status status, Duration timeout, boolean force) {
        long pid = status.pid().getAsLong();
        long start = status.startTicks;
        if (signal(pidFile, pid, HelperProtocol.SIGNAL_TERM, start) == HelperControl.Sent.GONE) {
            return;
        }
        if (Processes.state(pid) == 'T') {
            // Stopped (SIGSTOP, or a terminal stop): the SIGTERM stays pending until it runs
            // again, as start-stop-daemon and systemd know; continue it so it can exit now.
            status.notes.add("pid " + pid + " was stopped (state T, by SIGSTOP or a terminal stop); "
                    + "sent SIGCONT after SIGTERM so that it can exit");
            signal(pidFile, pid, HelperProtocol.SIGNAL_CONT, start);
        }
        if (!awaitExit(pidFile, pid, start, timeout)) {
            if (!force) {
                throw new DaemonException("pid " + pid + " did not stop within "
                        + timeout.toSeconds() + " s after SIGTERM and is still running"
                        + (Processes.state(pid) == 'T' ? " (stopped: state T)" : "") + "; wait "
                        + "longer with --stop-timeout=SECONDS or kill it with --force",
                        ExitStatus.FAILED);
            }
            signal(pidFile, pid, HelperProtocol.SIGNAL_KILL, start);
            if (!awaitExit(pidFile, pid, start, Duration.ofSeconds(10))) {
                throw new DaemonException("pid " + pid + " survived SIGKILL for 10 s",
                        ExitStatus.FAILED);
            }
        }
    }

    /**
     * Stops the recorded daemon whose pidfile was removed: no lock to check again, so through a
     * ProcessHandle taken now, once its start time was found to be the recorded one (the JDK
     * checks it again before it signals).
     */
    private static void stopWithoutPidFile(Status status, Duration timeout, boolean force) {
        long pid = status.pid().getAsLong();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || Processes.startTicks(pid) != status.startTicks) {
            return; // gone meanwhile
        }
        status.notes.add("pidfile of pid " + pid + " had been removed; stopped the process its "
                + "launch record names");
        handle.get().destroy();
        if (!Processes.awaitExit(pid, timeout)) {
            if (!force) {
                throw new DaemonException("pid " + pid + " did not stop within "
                        + timeout.toSeconds() + " s after SIGTERM and is still running; wait "
                        + "longer with --stop-timeout=SECONDS or kill it with --force",
                        ExitStatus.FAILED);
            }
            handle.get().destroyForcibly();
            if (!Processes.awaitExit(pid, Duration.ofSeconds(10))) {
                throw new DaemonException("pid " + pid + " survived SIGKILL for 10 s", ExitStatus.FAILED);
            }
        }
    }

    /**
     * The owner besides this user and root whose stale pidfile this command may remove: the
     * recorded daemon's user; without a record, for root, the owner of the pidfile's directory
     * (a directory given to the daemon's user); else none (-1).
     */
    private static long staleOwner(Path pidFile, LaunchRecord record) {
        if (record != null) {
            return record.uid();
        }
        return TrustedPath.Identity.current().uid == 0 ? DaemonIdentity.directoryOwner(pidFile) : -1;
    }

    /**
     * Waits until the process has exited: seen in /proc where there is one; elsewhere, until it
     * no longer holds the pidfile's lock (released as it exits), asked of the helper.
     */
    private static boolean awaitExit(Path pidFile, long pid, long start, Duration timeout) {
        if (Processes.hasProc()) {
            return Processes.await(new Processes.Condition() {
                @Override
                public boolean holds() {
                    return !Processes.isAlive(pid) || start >= 0 && Processes.startTicks(pid) != start;
                }
            }, timeout, 10);
        }
        return Processes.await(new Processes.Condition() {
            @Override
            public boolean holds() {
                return HelperControl.signal(pidFile, pid, HelperProtocol.SIGNAL_PROBE, start) == HelperControl.Sent.GONE;
            }
        }, timeout, 50);
    }

    /**
     * After the daemon exited: removes the pidfile it left behind (it could not, being killed,
     * or its directory being read-only). A file that cannot be removed is said in a note: the
     * daemon is stopped, which is what was asked, and the file is unlocked, so a start replaces
     * it.
     */
    private static Status stoppedBy(Path pidFile, Status running, long alsoOwner) {
        try {
            PidFile.removeStale(pidFile, alsoOwner);
        } catch (PidFile.HeldException e) {
            // a new daemon started meanwhile: its file stays
        } catch (DaemonException e) {
            running.notes.add("warning: " + e.getMessage().replace("; remove it by hand",
                    "; it is stale (unlocked): remove it by hand, or a start replaces it"));
        }
        return running;
    }

    /**
     * Sends a signal through the helper, which checks once more that {@code pid} holds the
     * pidfile and, pinned with a pidfd, has start time {@code start}, before sending.
     *
     * @throws DaemonException at once if this user may not signal it
     */
    private static HelperControl.Sent signal(Path pidFile, long pid, String signal, long start) {
        HelperControl.Sent sent = HelperControl.signal(pidFile, pid, signal, start);
        if (sent == HelperControl.Sent.DENIED) {
            throw noPermission(pid);
        }
        return sent;
    }

    private static DaemonException noPermission(long pid) {
        return new DaemonException("no permission to signal pid " + pid + " (it runs as another "
                + "user); run this as that user or as root", ExitStatus.NO_PERMISSION);
    }

    private Report statusReport(Status status) {
        int code = status.state().exitCode();
        switch (status.state()) {
            case RUNNING:
                return Report.said("is running, pid " + status.pid().getAsLong()
                        + (status.pidFileRemoved() ? " (its pidfile " + options.pidFile()
                                + " was removed)" : ""), code);
            case DEAD:
                return Report.said("is not running, but pidfile " + options.pidFile() + " remains"
                        + (status.pid().isPresent() ? " (pid " + status.pid().getAsLong() + ")" : ""),
                        code);
            case NOT_RUNNING:
                return Report.said("is not running", code);
            default:
                return Report.found("status unknown: " + status.detail(), code);
        }
    }

    private Report stopReport(Path pidFile, boolean force) {
        Status found;
        try {
            found = stop(pidFile, options.stopTimeout(), force);
        } catch (DaemonException e) {
            throw new DaemonException("cannot stop: " + e.getMessage(), e.exitCode(), e);
        }
        Report notes = null;
        for (String note : found.notes()) {
            notes = notes == null ? Report.notice(note) : notes.then(Report.notice(note));
        }
        Report said;
        switch (found.state()) {
            case RUNNING:
                said = Report.said("stopped, pid " + found.pidOrZero(), ExitStatus.OK);
                break;
            case DEAD:
                said = Report.said("is not running; removed stale pidfile " + pidFile, ExitStatus.OK);
                break;
            default:
                said = Report.said("is not running", ExitStatus.OK);
                break;
        }
        return notes == null ? said : notes.then(said);
    }

    /**
     * Stops the daemon and starts it again from this user's launch record of the pidfile: its
     * command line and settings, with the flags this command gives in their place, one line
     * naming what they change. {@code --user} and {@code --keep-caps} are the record's unless
     * this command gives them: a restart never runs the service with other privileges than its
     * start did, unless its own command line says so. Without a record (started by another
     * user, an older version, or a supervisor), this command's own flags and command line, said
     * in one line.
     */
    /** The start of the line a restart that closes the listening socket says. */
    static final String NOT_SEAMLESS = "not seamless (connections are refused until the new daemon "
            + "listens): ";

    private Report restart(Path pidFile, boolean force) {
        LaunchRecord record = LaunchRecord.read(pidFile);
        DaemonOptions again = options;
        JvmCommandLine commandLine = null;
        Report said;
        if (record == null) {
            refuseAnotherUser(pidFile);
            said = Report.notice("no launch record of this user for pidfile " + pidFile + " (started by "
                    + "another user, an older version or a supervisor): restarting with this "
                    + "command's flags only");
        } else {
            again = merged(record.options());
            commandLine = record.commandLine();
            List<String> changes = changes(record.options(), again, commandLine);
            commandLine = withArguments(commandLine, changes);
            said = changes.isEmpty() ? null : Report.notice("restarting with the settings recorded at "
                    + "its start, except: " + String.join("; ", changes));
        }
        String notSeamless = Handover.impossible(pidFile, record, again);
        if (notSeamless == null) {
            Report handedOver = Handover.restart(record, again, name, commandLine, again.stopTimeout(), force);
            return said == null ? handedOver : said.then(handedOver);
        }
        said = said == null ? Report.notice(NOT_SEAMLESS + notSeamless)
                : said.then(Report.notice(NOT_SEAMLESS + notSeamless));
        Report stopped = said.then(stopReport(pidFile, force));
        try {
            return stopped.then(new Launcher(again, name, commandLine).start());
        } catch (DaemonException e) {
            return stopped.then(Report.of(e));
        }
    }

    /**
     * Without a record, a restart that names no {@code --user} would run the service as the
     * caller: refused while the running daemon runs as another user (the kernel's word, from
     * {@code /proc/PID/status}), so that a plain restart never brings a daemon of another user,
     * or root's {@code --user} daemon whose record is gone, back as the caller (root included).
     * Nothing is stopped.
     */
    private void refuseAnotherUser(Path pidFile) {
        if (options.user() != null) {
            return;
        }
        Status running = status(pidFile);
        long[] uids = running.state() == DaemonStatus.State.RUNNING ? Processes.uids(running.pidOrZero())
                : null;
        long self = TrustedPath.Identity.current().uid;
        if (uids != null && uids[0] != self) {
            throw new DaemonException("pid " + running.pidOrZero() + " runs as uid " + uids[0] + " and no "
                    + "launch record of this user for pidfile " + pidFile + " says how it was started: "
                    + "this restart would run it as uid " + self + "; give --user=" + uids[0] + " (and "
                    + "--keep-caps if it needs any) on the restart, or stop and start it",
                    ExitStatus.USAGE);
        }
    }

    /** The recorded options, with those this command's flags give in their place. */
    private DaemonOptions merged(DaemonOptions recorded) {
        DaemonOptions.Builder out = recorded.toBuilder();
        if (given("--log")) {
            out.logFile(options.logFile());
        }
        if (given("--workdir")) {
            out.workDir(options.workDir());
        }
        if (given("--umask")) {
            out.umask(options.umask());
        }
        if (given("--sighup")) {
            out.sighup(options.sighup());
        }
        if (given("--start-timeout")) {
            out.startTimeout(options.startTimeout());
        }
        if (given("--stop-timeout")) {
            out.stopTimeout(options.stopTimeout());
        }
        if (given("--jvm-option")) {
            out.jvmOptions(options.jvmOptions());
        }
        if (given("--listen")) {
            out.listen(options.listen());
        }
        if (given("--user")) {
            out.user(options.user()).keepCaps(options.keepCaps());
        } else if (given("--keep-caps")) {
            out.keepCaps(options.keepCaps());
        }
        out.name(options.name() != null ? options.name() : recorded.name());
        try {
            return out.build();
        } catch (IllegalStateException e) {
            throw new DaemonException("--keep-caps needs --user: the daemon was started without "
                    + "--user, so give --user on the restart too", ExitStatus.USAGE);
        }
    }

    /**
     * The recorded command line, with this command's service arguments in place of the recorded
     * ones if it gives any (besides the library's flags), said in {@code changes}.
     */
    private JvmCommandLine withArguments(JvmCommandLine recorded, List<String> changes) {
        if (parsed == null || Flags.strip(List.of(parsed.serviceArgs())).isEmpty()) {
            return recorded;
        }
        List<String> mine;
        try {
            mine = JvmCommandLine.current().serviceArgs();
        } catch (DaemonException e) {
            return recorded;
        }
        List<String> theirs = Flags.strip(recorded.serviceArgs());
        if (Flags.strip(mine).equals(theirs)) {
            return recorded;
        }
        changes.add("the service's arguments " + Flags.strip(mine) + " (were " + theirs + ")");
        List<String> argv = new ArrayList<>(recorded.argv().subList(0, recorded.serviceArgsStart()));
        argv.addAll(mine);
        return JvmCommandLine.recorded(argv, recorded.targetStart(), recorded.serviceArgsStart(),
                recorded.cwd());
    }

    /** What {@code now} changes from {@code recorded}, as {@code --flag=new (was old)}. */
    private List<String> changes(DaemonOptions recorded, DaemonOptions now, JvmCommandLine commandLine) {
        List<String> out = new ArrayList<>();
        change(out, "--log", recorded.logFile(), now.logFile());
        change(out, "--workdir", recorded.workDir(), now.workDir());
        change(out, "--umask", Integer.toOctalString(recorded.umask()), Integer.toOctalString(now.umask()));
        change(out, "--sighup", recorded.sighup().name().toLowerCase(Locale.ROOT),
                now.sighup().name().toLowerCase(Locale.ROOT));
        change(out, "--start-timeout", recorded.startTimeout().toSeconds(), now.startTimeout().toSeconds());
        change(out, "--stop-timeout", recorded.stopTimeout().toSeconds(), now.stopTimeout().toSeconds());
        change(out, "--user", recorded.user() == null ? "(none)" : recorded.user(),
                now.user() == null ? "(none)" : now.user());
        change(out, "--keep-caps", String.join(",", recorded.keepCaps()), String.join(",", now.keepCaps()));
        change(out, "--jvm-option", String.join(" ", recorded.jvmOptions()), String.join(" ", now.jvmOptions()));
        change(out, "--listen", recorded.listen() == null ? "(none)" : recorded.listen(),
                now.listen() == null ? "(none)" : now.listen());
        try {
            JvmCommandLine current = JvmCommandLine.current();
            List<String> unused = new ArrayList<>(current.argv().subList(1, current.serviceArgsStart()));
            unused.removeAll(commandLine.argv().subList(1, commandLine.serviceArgsStart()));
            if (!unused.isEmpty()) {
                // a plain restart line gives fewer: only what it adds is said
                out.add("this command's JVM options and main class " + unused + " are not used (the "
                        + "recorded ones are; stop and start to change them)");
            }
        } catch (DaemonException e) {
            // no command line here to compare
        }
        return out;
    }

    private static void change(List<String> out, String flag, Object was, Object now) {
        if (!String.valueOf(was).equals(String.valueOf(now))) {
            out.add(flag + "=" + (String.valueOf(now).isEmpty() ? "(none)" : now) + " (was "
                    + (String.valueOf(was).isEmpty() ? "(none)" : was) + ")");
        }
    }

    /**
     * Sends SIGHUP if the daemon handles it: its {@code --sighup} policy from the launch record
     * of this user, or, without one, this command's own flags and defaults. Nothing is read from
     * the daemon's command line.
     */
    private Report reload(Path pidFile) {
        Status status = status(pidFile);
        if (status.state() == DaemonStatus.State.UNKNOWN) {
            throw new DaemonException("cannot reload: " + status.detail(), status.noPermission
                    ? ExitStatus.NO_PERMISSION : ExitStatus.FAILED);
        }
        if (status.state() != DaemonStatus.State.RUNNING) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        long pid = status.pid().getAsLong();
        if (status.pidFileRemoved()) {
            throw new DaemonException("cannot reload: pid " + pid + " runs but its pidfile " + pidFile
                    + " was removed; restart it to get a pidfile again", ExitStatus.FAILED);
        }
        if (signal(pidFile, pid, HelperProtocol.SIGNAL_PROBE, status.startTicks) == HelperControl.Sent.GONE) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        LaunchRecord record = LaunchRecord.read(pidFile);
        DaemonOptions.Sighup policy = record != null && record.pid() == pid
                ? record.options().sighup() : options.sighup();
        if (policy != DaemonOptions.Sighup.RELOAD) {
            throw new DaemonException("pid " + pid + " runs with --sighup="
                    + policy.name().toLowerCase(Locale.ROOT) + ", so SIGHUP would "
                    + (policy == DaemonOptions.Sighup.DEFAULT ? "stop it" : "be ignored")
                    + "; not sent. Start it with --sighup=reload to reload it"
                    + (record == null ? " (no launch record of this user names it: the policy is "
                            + "this command's --sighup)" : ""), ExitStatus.UNSUPPORTED);
        }
        ReloadState.State before = ReloadState.of(pid); // read before the signal: see ReloadState
        if (signal(pidFile, pid, HelperProtocol.SIGNAL_HUP, status.startTicks) == HelperControl.Sent.GONE) {
            return Report.said("is not running; nothing to reload", ExitStatus.NOT_RUNNING);
        }
        return confirmed(pid, before);
    }

    /**
     * The report once the daemon says it reopened its log and ran its callbacks after the
     * signal was sent, or that it did not say so within {@code --stop-timeout} (exit 1).
     */
    private Report confirmed(long pid, ReloadState.State before) {
        if (before == null) {
            return Report.failed("sent SIGHUP to pid " + pid + ", which shows no reload progress "
                    + "(not a daemon of this jdaemon version, or /proc/" + pid + "/task is hidden "
                    + "here); its reload cannot be confirmed", ExitStatus.FAILED);
        }
        ReloadState.State after = ReloadState.awaitAfter(pid, before, options.stopTimeout());
        if (after == null) {
            return Report.failed("sent SIGHUP to pid " + pid + ", but it did not confirm the reload "
                    + "within " + options.stopTimeout().toSeconds() + " s (a reload callback still "
                    + "running, or the daemon exited); see its log, or raise --stop-timeout",
                    ExitStatus.FAILED);
        }
        switch (after.result()) {
            case LOG_NOT_REOPENED:
                return Report.failed("pid " + pid + " could not reopen its log and still writes to the "
                        + "previous file; the reason is in that file", ExitStatus.FAILED);
            case CALLBACK_FAILED:
                return Report.failed("pid " + pid + " reopened its log, but a reload callback failed; "
                        + "see its log", ExitStatus.FAILED);
            default:
                return Report.said("reloaded, pid " + pid, ExitStatus.OK);
        }
    }
}
