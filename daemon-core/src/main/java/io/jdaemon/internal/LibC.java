package io.jdaemon.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Every native call the Java side makes, and nothing else. Loaded lazily (JNA's first load costs
 * about 120 ms), so that nothing on the path from launch to ready needs it.
 *
 * <p>On JDK 22 and later the JVM warns about JNA's native access unless the service runs with
 * {@code --enable-native-access=ALL-UNNAMED} (or {@code Enable-Native-Access: ALL-UNNAMED} in an
 * executable jar's manifest).
 */
public final class LibC {

    private static final int O_WRONLY = 01;
    private static final int O_CREAT = Platform.isMac() ? 0x200 : 0100;
    private static final int O_APPEND = Platform.isMac() ? 0x8 : 02000;
    private static final int O_CLOEXEC = Platform.isMac() ? 0x1000000 : 02000000;
    private static final int O_NOFOLLOW = Platform.isMac() ? 0x100
            : Platform.isARM() ? 0100000 : 0400000;

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un) on Linux: a 2-byte family and 108 bytes of path. */
    private static final int SOCKADDR_UN_SIZE = 110;

    private interface C extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        int unsetenv(String name) throws LastErrorException;

        int open(String path, int flags, int mode) throws LastErrorException;

        int dup2(int from, int to) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final C C = Native.load(Platform.C_LIBRARY_NAME, C.class);
    }

    private LibC() {
    }

    /** Loads the C library now, so that a later call does not pay for it. */
    public static void load() {
        Holder.C.hashCode();
    }

    /**
     * Removes a variable from this process's native environment, which child processes started
     * with an untouched {@code ProcessBuilder} environment inherit. ({@code System.getenv()} keeps
     * the snapshot the JVM took at start.)
     */
    public static void unsetenv(String name) {
        Holder.C.unsetenv(name);
    }

    /**
     * Sends one datagram to an AF_UNIX socket: a path, or an abstract address written with a
     * leading {@code @} (Linux). Used for sd_notify, which systemd accepts only from the service's
     * own process, so it cannot be delegated to a helper.
     */
    public static void sendDatagram(String address, byte[] message) {
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = address.startsWith("@");
        if (path.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("socket address too long: " + address);
        }
        ByteBuffer addr = ByteBuffer.allocate(SOCKADDR_UN_SIZE).order(ByteOrder.nativeOrder());
        addr.putShort((short) AF_UNIX);
        if (isAbstract) {
            addr.put((byte) 0).put(path, 1, path.length - 1);
        } else {
            addr.put(path);
        }
        // An abstract address is exactly as long as its name; a path one ends with a NUL.
        int length = 2 + path.length + (isAbstract ? 0 : 1);
        int fd = Holder.C.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try {
            Holder.C.sendto(fd, message, message.length, MSG_NOSIGNAL, addr.array(), length);
        } finally {
            Holder.C.close(fd);
        }
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
