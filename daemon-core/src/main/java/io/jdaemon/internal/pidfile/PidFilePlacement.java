package io.jdaemon.internal.pidfile;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.ExistingFile;
import io.jdaemon.internal.os.TrustedPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a pidfile may be: its name, its directory, and a file there of another user's. */
public final class PidFilePlacement {

    private PidFilePlacement() {
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
     * Refuses a pidfile that another user could have planted or that is someone else's file
     * under a second name: owned by a user other than root or this one, or with more than one
     * hard link (the rules of logrotate and start-stop-daemon).
     */
    public static void refuseForeignFile(Path path, TrustedPath.Identity opener) throws IOException {
        String foreign = ExistingFile.foreign(path, false, opener);
        if (foreign != null) {
            throw new DaemonException("pidfile " + path + " " + foreign + "; remove it or choose "
                    + "another --pidfile", ExitStatus.NOT_CONFIGURED);
        }
    }

    /**
     * Why a control command, or a root launcher starting another user's daemon, must not act on
     * this pidfile by its path, or null. It reads the file, asks who holds its lock, signals that
     * process and may remove the file, each by path: a user
     * who could swap the pidfile's directory for a link meanwhile (one who can write the
     * directory's parent) could point those steps at another daemon's pidfile of the same name,
     * and have it stopped or removed. So the directory's parent and all above it, and those of
     * the directory a link there leads to, must pass {@link TrustedPath} for this process's
     * user; the directory itself may be the daemon's user's (as systemd's
     * {@code RuntimeDirectory=} makes it), since the file's name in it is never followed.
     */
    public static String replaceableDirectory(Path pidFile) {
        Path dir = pidFile.toAbsolutePath().normalize().getParent();
        if (dir == null || dir.getParent() == null || !Files.isDirectory(dir)) {
            return null; // nothing there to act on: the command finds no pidfile
        }
        String problem = TrustedPath.untrusted(dir.getParent());
        if (problem == null && Files.isSymbolicLink(dir)) {
            try {
                Path real = dir.toRealPath();
                problem = real.getParent() == null ? null : TrustedPath.untrusted(real.getParent());
            } catch (IOException e) {
                problem = "cannot resolve " + dir + ": " + PidFile.reason(e);
            }
        }
        return problem == null ? null : "pidfile " + pidFile + " is in an unsafe place: " + problem
                + "; another user could swap its directory for a link while this command acts on "
                + "it. Run the command as that user, or keep the pidfile in a directory whose "
                + "parents only root can change (such as /run/NAME)";
    }

    /**
     * Refuses a pidfile whose directory (or an ancestor, or a symlink on the way) another user
     * could change: see {@link TrustedPath}.
     */
    public static void refuseUntrustedDirectory(Path path, TrustedPath.Identity opener) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new DaemonException("cannot create pidfile " + path + ": its directory does not "
                    + "exist; create it or choose another --pidfile", ExitStatus.NOT_CONFIGURED);
        }
        String problem = TrustedPath.untrusted(dir, opener);
        if (problem != null) {
            throw new DaemonException("pidfile " + path + " is in an unsafe place: " + problem
                    + "; another user could replace it. Choose a --pidfile in a directory only root "
                    + "or this user can write (or one with the sticky bit, as /tmp)",
                    ExitStatus.NOT_CONFIGURED);
        }
    }
}
