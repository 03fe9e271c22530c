package io.jdaemon.internal.launch;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.ExistingFile;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import io.jdaemon.internal.os.UserAccount;
import io.jdaemon.internal.pidfile.LaunchRecord;
import io.jdaemon.internal.pidfile.PidFile;
import io.jdaemon.internal.pidfile.PidFilePlacement;
import io.jdaemon.internal.pidfile.PidFileState;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/** The launcher's checks before anything is spawned: the flags' files, the user, the limits. */
final class StartChecks {

    private final DaemonOptions options;

    StartChecks(DaemonOptions options) {
        this.options = options;
    }

    /**
     * Checks what the flags name before anything is spawned.
     *
     * @return {@code already running, pid N} if a daemon holds the pidfile; null to go on
     */
    Report checkFiles(UserAccount account, LaunchRecord predecessor) {
        // Who opens the files: the daemon's user (the helper switches before it opens the log).
        TrustedPath.Identity opener = account == null ? TrustedPath.Identity.current()
                : TrustedPath.Identity.of(account.uid(), account.gid());
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            PidFilePlacement.checkName(pidFile);
            checkPidFile(pidFile, opener);
            if (account != null) {
                // Root acts on this path for the user's daemon (now, and when it stops it): not
                // one that user could swap for a link.
                String replaceable = PidFilePlacement.replaceableDirectory(pidFile);
                if (replaceable != null) {
                    throw new DaemonException(replaceable, ExitStatus.NOT_CONFIGURED);
                }
            }
            PidFileState state = awaitStopping(pidFile, PidFile.inspect(pidFile));
            boolean succeeded = predecessor != null && state.holder().isPresent()
                    && state.holder().getAsLong() == predecessor.pid();
            if (state.locked() && !succeeded) {
                if (state.problem() != null) {
                    throw new DaemonException(state.problem() + "; not starting (remove the lock or "
                            + "choose another --pidfile)", ExitStatus.FAILED);
                }
                return Report.said("already running, pid " + state.holder().getAsLong(), ExitStatus.OK);
            }
            if (!state.exists()) {
                DaemonState status = DaemonState.of(pidFile);
                if (status.pidFileRemoved()) {
                    return Report.said("already running, pid " + status.pidOrZero() + " (its pidfile "
                            + pidFile + " was removed; --daemon=restart gives it a new one)", ExitStatus.OK);
                }
            }
            if (state.exists()) {
                try {
                    PidFilePlacement.refuseForeignFile(pidFile, opener); // before the daemon would refuse it
                } catch (IOException e) {
                    // gone meanwhile: the daemon creates it
                }
            }
            if (!isDevNull(options.logFile()) && sameFile(pidFile, options.logFile())) {
                throw new DaemonException("--pidfile and --log both name " + pidFile + "; give each "
                        + "its own file", ExitStatus.USAGE);
            }
        }
        checkLog(options.logFile(), opener);
        checkWorkDir(options.workDir());
        if (account != null) {
            checkWritableBy(account);
        }
        checkDevNull();
        return null;
    }

    /**
     * If the pidfile's daemon is one this user is stopping ({@code --daemon=stop} marked its
     * launch record before SIGTERM), waits for it to exit, up to its stop timeout, and looks
     * again: a start during a stop starts the service once the old one is gone, rather than
     * reporting "already running" for a process about to exit.
     *
     * @throws DaemonException if it is still stopping at the timeout
     */
    private static PidFileState awaitStopping(Path pidFile, PidFileState state) {
        if (!state.locked() || state.problem() != null) {
            return state;
        }
        LaunchRecord record = LaunchRecord.read(pidFile);
        long pid = state.holder().getAsLong();
        if (record == null || !record.stopping() || record.pid() != pid) {
            return state;
        }
        Duration wait = record.options().stopTimeout();
        if (!Processes.awaitExit(pid, wait)) {
            throw new DaemonException("pid " + pid + " is stopping (a --daemon=stop is under way) and "
                    + "has not exited within " + wait.toSeconds() + " s; try again once it has",
                    ExitStatus.FAILED);
        }
        return PidFile.inspect(pidFile);
    }

    /**
     * The account of {@code --user}, resolved before anything is spawned; null without it.
     *
     * @throws DaemonException if this launcher is not root, or the user or group is unknown
     */
    UserAccount account() {
        if (options.user() == null) {
            return null;
        }
        if (!UserAccount.launcherIsRoot()) {
            throw new DaemonException("--user=" + options.user() + " needs a root launcher (only "
                    + "root can switch users); start it as root, or omit --user",
                    ExitStatus.NO_PERMISSION);
        }
        return UserAccount.resolve(options.user());
    }

    /**
     * The daemon creates its log and pidfile as {@code account}: their directories (or the
     * existing log) must be writable by that user, as systemd's {@code LogsDirectory=} and
     * {@code RuntimeDirectory=} make them.
     */
    private void checkWritableBy(UserAccount account) {
        String owner = account.name() + ":" + account.gid();
        // The readiness handshake's directory is made there and given to the daemon's user.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        String cannotEnter = account.cannotEnter(tmp);
        if (cannotEnter != null) {
            throw new DaemonException("java.io.tmpdir " + tmp + ", where the launcher meets the "
                    + "daemon, is closed to the daemon's user: " + cannotEnter + "; start with "
                    + "-Djava.io.tmpdir=DIR, a directory that user can enter (such as /tmp)",
                    ExitStatus.NOT_CONFIGURED);
        }
        // The working directory (by default the launcher's) is entered as that user.
        String closed = account.cannotEnter(options.workDir());
        if (closed != null) {
            throw new DaemonException("working directory " + options.workDir() + " cannot be entered "
                    + "by the daemon's user: " + closed + "; give a --workdir that user can enter "
                    + "(--workdir=/ for daemon(3)'s behaviour)", ExitStatus.NOT_CONFIGURED);
        }
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            String why = account.cannotWrite(pidFile.getParent());
            if (why != null) {
                throw new DaemonException("pidfile directory " + pidFile.getParent() + " is not "
                        + "writable by the daemon's user: " + why + "; give it to that user (install "
                        + "-d -o " + owner.replace(":", " -g ") + " " + pidFile.getParent()
                        + ") or choose another --pidfile", ExitStatus.NOT_CONFIGURED);
            }
        }
        Path log = options.logFile();
        if (!isDevNull(log)) {
            boolean exists = attributesOrNull(log) != null;
            Path target = exists ? log : log.getParent();
            String why = account.cannotWrite(target);
            if (why != null) {
                throw new DaemonException((exists ? "log file " : "log directory ") + target
                        + " is not writable by the daemon's user: " + why + "; "
                        + (exists ? "chown " + owner + " " + target
                                : "give it to that user (install -d -o " + owner.replace(":", " -g ")
                                        + " " + target + ")") + " or choose another --log",
                        ExitStatus.NOT_CONFIGURED);
            }
        }
    }

    /**
     * Refuses to start when fewer than 10 descriptors are left under the open-files limit: the
     * helper's pipes and the JDK's spawn helper need them, and the spawn helper, failing, would
     * print the dynamic loader's own message. Linux only (/proc); elsewhere the failure is
     * reported when it happens.
     */
    static void checkOpenFiles() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            return;
        }
        long open = fds.length;
        long max;
        try {
            String limit = Processes.limit("Max open files");
            max = limit.startsWith("now ") ? Decimal.parse(limit.substring(4)) : -1;
        } catch (RuntimeException e) {
            return;
        }
        if (max > 0 && max - open < 10) {
            throw new DaemonException("too few open files left to start the daemon helper (the "
                    + "open-files limit, ulimit -n, is " + max + " and " + open + " are open); raise it",
                    ExitStatus.FAILED);
        }
    }

    /**
     * The daemon's stdin is {@code /dev/null}, and the helper opens it: a system where it is
     * not the null device (a directory or a file in its place) is named as such.
     */
    private static void checkDevNull() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(Path.of("/dev/null"), BasicFileAttributes.class);
        } catch (IOException e) {
            attrs = null;
        }
        if (attrs == null || !attrs.isOther()) {
            String what = attrs == null ? "missing" : attrs.isDirectory() ? "a directory" : "a regular file";
            throw new DaemonException("/dev/null is " + what + ", not the null device; the daemon's "
                    + "stdin must be /dev/null: restore it (mknod -m 666 /dev/null c 1 3)",
                    ExitStatus.NOT_CONFIGURED);
        }
    }

    private void checkPidFile(Path pidFile, TrustedPath.Identity opener) {
        Path dir = pidFile.getParent();
        if (dir == null || pidFile.getFileName() == null) {
            throw new DaemonException("--pidfile=" + pidFile + " is a directory, not a file path; "
                    + "give a file path such as /run/NAME.pid", ExitStatus.NOT_CONFIGURED);
        }
        if (!Files.isDirectory(dir)) {
            throw new DaemonException("pidfile directory " + dir + " does not exist; create it or "
                    + "choose another --pidfile", ExitStatus.NOT_CONFIGURED);
        }
        if (Files.isDirectory(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new DaemonException("--pidfile=" + pidFile + " is a directory; give a file path "
                    + "such as " + pidFile.resolve("NAME.pid"), ExitStatus.NOT_CONFIGURED);
        }
        PidFilePlacement.refuseUntrustedDirectory(pidFile, opener);
        if (!Files.isWritable(dir)) {
            throw new DaemonException("pidfile directory " + dir + " is not writable by this user; "
                    + "choose another --pidfile or fix its permissions", ExitStatus.NOT_CONFIGURED);
        }
    }

    /**
     * The log's pre-checks; the helper checks again on the descriptor it opens (a regular file
     * with one link, owned by this user or root, or /dev/null).
     */
    private static void checkLog(Path log, TrustedPath.Identity opener) {
        if (isDevNull(log)) {
            return;
        }
        Path dir = log.getParent();
        if (dir == null || log.getFileName() == null) {
            throw new DaemonException("--log=" + log + " is a directory, not a file path; give a "
                    + "file path such as /var/log/NAME.log", ExitStatus.NOT_CONFIGURED);
        }
        BasicFileAttributes attrs = attributesOrNull(log);
        if (attrs == null && !Files.isDirectory(dir)) {
            throw new DaemonException("log directory " + dir + " does not exist; create it or "
                    + "choose another --log", ExitStatus.NOT_CONFIGURED);
        }
        String untrusted = Files.isDirectory(dir) ? TrustedPath.untrusted(dir, opener) : null;
        if (untrusted != null) {
            throw new DaemonException("log directory is unsafe: " + untrusted + "; another user could "
                    + "replace the log. Choose a --log in a directory only root or this user can write "
                    + "(or one with the sticky bit, as /tmp)", ExitStatus.NOT_CONFIGURED);
        }
        if (attrs == null) {
            if (!Files.isWritable(dir)) {
                throw new DaemonException("log directory " + dir + " is not writable by this user; "
                        + "choose another --log or fix its permissions", ExitStatus.NOT_CONFIGURED);
            }
        } else if (attrs.isSymbolicLink()) {
            throw new DaemonException("log file " + log + " is a symbolic link; refusing to follow "
                    + "it (give the real path with --log)", ExitStatus.NOT_CONFIGURED);
        } else if (attrs.isDirectory()) {
            throw new DaemonException("log file " + log + " is a directory; give a file path with "
                    + "--log", ExitStatus.NOT_CONFIGURED);
        } else if (!attrs.isRegularFile()) {
            throw new DaemonException("log file " + log + " is not a regular file (a FIFO, socket or "
                    + "device); give the path of a regular file with --log", ExitStatus.NOT_CONFIGURED);
        } else {
            String foreign;
            try {
                foreign = ExistingFile.foreign(log, false, opener);
            } catch (IOException e) {
                foreign = null; // gone meanwhile: the helper checks the descriptor it opens
            }
            if (foreign != null) {
                throw new DaemonException("log file " + log + " " + foreign + "; remove it or choose "
                        + "another --log", ExitStatus.NOT_CONFIGURED);
            }
            if (!Files.isWritable(log)) {
                throw new DaemonException("log file " + log + " is not writable by this user; fix its "
                        + "permissions or choose another --log", ExitStatus.NOT_CONFIGURED);
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        BasicFileAttributes x = attributesOrNull(a);
        BasicFileAttributes y = attributesOrNull(b);
        return x != null && y != null && x.fileKey() != null && x.fileKey().equals(y.fileKey());
    }

    private static void checkWorkDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DaemonException("working directory " + dir + " does not exist or is not a "
                    + "directory; create it or choose another --workdir", ExitStatus.NOT_CONFIGURED);
        }
    }

    static boolean isDevNull(Path log) {
        return log.toString().equals("/dev/null");
    }

    static BasicFileAttributes attributesOrNull(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }
}
