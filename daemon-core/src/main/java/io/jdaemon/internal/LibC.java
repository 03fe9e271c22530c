package io.jdaemon.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Every native call the Java side makes, and nothing else. Loaded lazily (JNA's first load costs
 * about 120 ms), so that nothing on the path from launch to ready needs it.
 *
 * <p>On JDK 22 and later the JVM warns about JNA's native access unless the service runs with
 * {@code --enable-native-access=ALL-UNNAMED} (or {@code Enable-Native-Access: ALL-UNNAMED} in an
 * executable jar's manifest).
 */
public final class LibC {

    /** SIGHUP. */
    public static final int SIGHUP = 1;

    private static final int O_WRONLY = 01;
    private static final int O_CREAT = Platform.isMac() ? 0x200 : 0100;
    private static final int O_APPEND = Platform.isMac() ? 0x8 : 02000;
    private static final int O_CLOEXEC = Platform.isMac() ? 0x1000000 : 02000000;
    private static final int O_NOFOLLOW = Platform.isMac() ? 0x100
            : Platform.isARM() ? 0100000 : 0400000;

    private interface C extends Library {
        int kill(int pid, int signal) throws LastErrorException;

        int open(String path, int flags, int mode) throws LastErrorException;

        int dup2(int from, int to) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final C C = Native.load(Platform.C_LIBRARY_NAME, C.class);
    }

    private LibC() {
    }

    /** kill(2). */
    public static void kill(long pid, int signal) {
        Holder.C.kill(Math.toIntExact(pid), signal);
    }

    /**
     * Points stdout and stderr at {@code path}, opened for appending (created 0644 if missing, a
     * symlink refused), as the helper did before {@code exec}.
     */
    public static void redirectStdoutAndStderr(String path) {
        int fd = Holder.C.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
        try {
            Holder.C.dup2(fd, 1);
            Holder.C.dup2(fd, 2);
        } finally {
            Holder.C.close(fd);
        }
    }
}
