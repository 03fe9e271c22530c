package io.jdaemon.internal.handshake;

import static io.jdaemon.internal.handshake.Handshake.DIRECTORY_PREFIX;
import static io.jdaemon.internal.handshake.Handshake.SETTINGS;
import static io.jdaemon.internal.handshake.Handshake.fields;
import static io.jdaemon.internal.handshake.HandshakeFiles.removeDirectory;

import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.FileModes;
import io.jdaemon.internal.os.Processes;
import io.jdaemon.internal.os.TrustedPath;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Removes the handshake directories that launchers which are gone left behind. */
final class LeftoverSweep {

    /** The fewest fields of settings that name the launcher's PID namespace (last). */
    private static final int SETTINGS_WITH_NAMESPACE = 6;

    private LeftoverSweep() {
    }

    /**
     * Removes handshake directories that launchers which are gone left in {@code tmp} (killed
     * with SIGKILL, say): {@code jdaemon-PID-HEX-N}, a directory (not a link) of this user's,
     * made in this PID namespace, whose PID is dead or no longer a JVM. Best effort.
     */
    static void sweep(Path tmp) {
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
    static boolean ofThisPidNamespace(Path dir) throws IOException {
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
        // The namespace is the last field, in this version's settings and in those of a version
        // with fewer fields (six, before a successor was named): not at a fixed index.
        return in.length < SETTINGS_WITH_NAMESPACE
                || in[in.length - 1].equals(Processes.pidNamespace());
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
    static boolean allOf(String s, int from, int to, String chars) {
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
    static boolean isJvm(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.getFileName() != null && exe.getFileName().toString().equals("java");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
