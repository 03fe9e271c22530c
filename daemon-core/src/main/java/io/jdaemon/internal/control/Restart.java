package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.DaemonStatus;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.launch.DaemonState;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.launch.Launcher;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code --daemon=restart}: stop the running daemon and start it again from its launch record. */
final class Restart {

    private final Control control;
    private final DaemonOptions options;
    private final Flags.Parsed parsed;
    private final String name;

    Restart(Control control, DaemonOptions options, Flags.Parsed parsed, String name) {
        this.control = control;
        this.options = options;
        this.parsed = parsed;
        this.name = name;
    }

    /** The start of the line a restart that closes the listening socket says. */
    static final String NOT_SEAMLESS = "not seamless (connections are refused until the new daemon "
            + "listens): ";

    private boolean given(String flag) {
        return parsed != null && parsed.given(flag);
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
    Report restart(Path pidFile, boolean force) {
        // Bounded by what one restart may take: a start and a stop.
        try (RestartLock lock = RestartLock.take(pidFile, options.startTimeout().plus(options.stopTimeout()))) {
            return restartAlone(pidFile, force);
        }
    }

    /** The restart, with no other restart of {@code pidFile} under way. */
    private Report restartAlone(Path pidFile, boolean force) {
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
        Report stopped = said.then(control.stopReport(pidFile, force));
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
        DaemonState running = DaemonState.of(pidFile);
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
}
