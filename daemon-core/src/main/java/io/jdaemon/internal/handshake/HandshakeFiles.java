package io.jdaemon.internal.handshake;

import static io.jdaemon.internal.handshake.Handshake.EXTEND;
import static io.jdaemon.internal.handshake.Handshake.JVM_OPTIONS;
import static io.jdaemon.internal.handshake.Handshake.OUTCOME;
import static io.jdaemon.internal.handshake.Handshake.SETTINGS;
import static io.jdaemon.internal.handshake.Handshake.TMP_INFIX;

import io.jdaemon.internal.os.Processes;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writing and removing the handshake's files, never following a link. */
final class HandshakeFiles {

    private HandshakeFiles() {
    }

    /**
     * Writes a file in the directory atomically: under a temporary name created anew (not
     * following a link), then renamed.
     */
    static void write(Path dir, String name, byte[] content) throws IOException {
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
    static void writeOwn(Path dir, String name, byte[] content) throws IOException {
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

    static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        if (gid >= 0) {
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Removes the handshake directory: the files the handshake writes (and their temporary
     * names), never following a link, then the directory; anything else in it stays.
     */
    static void removeDirectory(Path dir) throws IOException {
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
    static boolean isHandshakeFile(String name) {
        return name.equals(SETTINGS) || name.equals(OUTCOME) || name.equals(EXTEND)
                || name.equals(JVM_OPTIONS) || name.startsWith(JVM_OPTIONS + TMP_INFIX)
                || name.startsWith(SETTINGS + TMP_INFIX) || name.startsWith(OUTCOME + TMP_INFIX)
                || name.startsWith(EXTEND + TMP_INFIX);
    }
}
