package io.jdaemon.internal.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Every native call the Java side makes, and nothing else. Loaded lazily (JNA's first load costs
 * about 120 ms), so that nothing on the path from launch to ready needs it.
 *
 * <p>On JDK 22 and later the JVM warns about JNA's native access unless the service runs with
 * {@code --enable-native-access=ALL-UNNAMED} (or {@code Enable-Native-Access: ALL-UNNAMED} in an
 * executable jar's manifest).
 */
public final class LibC {

    /**
     * The constants passed to native calls, by name, for Linux on {@code platform} (a name of
     * {@code io.jdaemon.internal.platform.Platform}, such as {@code linux-ppc64le}). They are the
     * same on the seven helper platforms but one: {@code O_NOFOLLOW} is 0100000 on arm, aarch64
     * and powerpc (where 0400000 is {@code O_DIRECT}) and 0400000 elsewhere. LibCConstantsTest
     * compares this table with what each platform's C compiler says (see
     * {@code daemon-native/src/main/c/constants/linux-constants.c}).
     */
    static Map<String, Integer> linuxConstants(String platform) {
        String arch = platform.substring(platform.indexOf('-') + 1);
        boolean noFollowLow = arch.equals("aarch64") || arch.equals("arm") || arch.startsWith("ppc");
        return Map.ofEntries(Map.entry("O_WRONLY", 01), Map.entry("O_CREAT", 0100),
                Map.entry("O_APPEND", 02000), Map.entry("O_CLOEXEC", 02000000),
                Map.entry("O_NOFOLLOW", noFollowLow ? 0100000 : 0400000), Map.entry("O_NONBLOCK", 04000),
                Map.entry("O_NOCTTY", 0400), Map.entry("F_GETFL", 3), Map.entry("F_SETFL", 4),
                Map.entry("AF_UNIX", 1), Map.entry("SOCK_DGRAM", 2), Map.entry("SOCK_CLOEXEC", 02000000),
                Map.entry("MSG_NOSIGNAL", 0x4000), Map.entry("F_DUPFD_CLOEXEC", 1030),
                Map.entry("IPPROTO_TCP", 6), Map.entry("TCP_INFO", 11), Map.entry("TCP_ESTABLISHED", 1),
                Map.entry("TCPI_STATE", 0), Map.entry("TCPI_LAST_DATA_RECV", 52),
                Map.entry("TCPI_BYTES_ACKED", 120), Map.entry("TCPI_BYTES_RECEIVED", 128));
    }

    /** macOS's values (sys/fcntl.h, sys/socket.h), where they differ. */
    private static final Map<String, Integer> MAC = Map.of("O_CREAT", 0x200, "O_APPEND", 0x8,
            "O_CLOEXEC", 0x1000000, "O_NOFOLLOW", 0x100, "O_NONBLOCK", 0x4, "O_NOCTTY", 0x20000);

    /** This JVM's own platform (not {@code -Djdaemon.platform}, which names a helper's). */
    private static final Map<String, Integer> CONSTANTS = linuxConstants(
            io.jdaemon.internal.platform.Platform.name(System.getProperty("os.name", ""),
                    System.getProperty("os.arch", "")));

    private static int constant(String name) {
        if (Platform.isMac() && MAC.containsKey(name)) {
            return MAC.get(name);
        }
        return CONSTANTS.get(name);
    }

    private static final int O_WRONLY = constant("O_WRONLY");
    private static final int O_CREAT = constant("O_CREAT");
    private static final int O_APPEND = constant("O_APPEND");
    private static final int O_CLOEXEC = constant("O_CLOEXEC");
    private static final int O_NOFOLLOW = constant("O_NOFOLLOW");
    private static final int O_NONBLOCK = constant("O_NONBLOCK");
    private static final int O_NOCTTY = constant("O_NOCTTY");
    private static final int F_GETFL = constant("F_GETFL");
    private static final int F_SETFL = constant("F_SETFL");

    private static final int AF_UNIX = constant("AF_UNIX");
    private static final int SOCK_DGRAM = constant("SOCK_DGRAM");
    private static final int SOCK_CLOEXEC = constant("SOCK_CLOEXEC");
    private static final int MSG_NOSIGNAL = constant("MSG_NOSIGNAL");
    private static final int F_DUPFD_CLOEXEC = constant("F_DUPFD_CLOEXEC");
    private static final int IPPROTO_TCP = constant("IPPROTO_TCP");
    private static final int TCP_INFO = constant("TCP_INFO");
    private static final int TCP_ESTABLISHED = constant("TCP_ESTABLISHED");
    private static final int TCPI_STATE = constant("TCPI_STATE");
    private static final int TCPI_LAST_DATA_RECV = constant("TCPI_LAST_DATA_RECV");
    private static final int TCPI_BYTES_ACKED = constant("TCPI_BYTES_ACKED");
    private static final int TCPI_BYTES_RECEIVED = constant("TCPI_BYTES_RECEIVED");
    /** Room for struct tcp_info of any kernel: 232 bytes on Linux 6. */
    private static final int TCP_INFO_ROOM = 512;
    /** Room for a struct sockaddr_in6, the larger of the two an accepted TCP socket has. */
    private static final int SOCKADDR_ROOM = 128;

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

        int fcntl(int fd, int cmd, int arg) throws LastErrorException;

        int getsockopt(int fd, int level, int name, byte[] value, int[] length) throws LastErrorException;

        int getsockname(int fd, byte[] address, int[] length) throws LastErrorException;

        String strerror(int errno);
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
     * Moves descriptor {@code from} to {@code to}: {@code dup2} (which clears close-on-exec on
     * {@code to}), then closes {@code from}, so that only {@code to} is left to child processes.
     *
     * @throws IOException naming the error
     */
    public static void moveDescriptor(int from, int to) throws IOException {
        try {
            Holder.C.dup2(from, to);
            Holder.C.close(from);
        } catch (LastErrorException e) {
            throw new IOException("dup2(" + from + ", " + to + "): " + describe(e), e);
        }
    }

    /**
     * A copy of descriptor {@code fd} at the lowest free number from 3 up, close-on-exec
     * ({@code F_DUPFD_CLOEXEC}): kept while the JDK points {@code fd} elsewhere, and moved back
     * with {@link #moveDescriptor}.
     *
     * @throws IOException naming the error
     */
    public static int duplicate(int fd) throws IOException {
        try {
            return Holder.C.fcntl(fd, F_DUPFD_CLOEXEC, 3);
        } catch (LastErrorException e) {
            throw new IOException("fcntl(" + fd + ", F_DUPFD_CLOEXEC): " + describe(e), e);
        }
    }

    /**
     * What the kernel says of the TCP connection at descriptor {@code fd} ({@code TCP_INFO} and
     * {@code getsockname}), or null where it is no established TCP connection, or the kernel is
     * older than 4.1 and does not count the bytes.
     */
    public static TcpConnection tcpConnection(int fd) {
        byte[] info = new byte[TCP_INFO_ROOM];
        int[] length = {info.length};
        byte[] address = new byte[SOCKADDR_ROOM];
        int[] addressLength = {address.length};
        try {
            Holder.C.getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, length);
            if (length[0] < TCPI_BYTES_RECEIVED + 8 || info[TCPI_STATE] != TCP_ESTABLISHED) {
                return null;
            }
            Holder.C.getsockname(fd, address, addressLength);
        } catch (LastErrorException e) {
            return null; // not a TCP socket, or closed meanwhile
        }
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
        // sin_port and sin6_port: after the 2-byte family, in network order.
        int port = ((address[2] & 0xff) << 8) | (address[3] & 0xff);
        return new TcpConnection(port, b.getLong(TCPI_BYTES_ACKED), b.getLong(TCPI_BYTES_RECEIVED),
                Integer.toUnsignedLong(b.getInt(TCPI_LAST_DATA_RECV)));
    }

    /**
     * An established TCP connection as the kernel counts it.
     *
     * @param localPort the port of this end
     * @param bytesAcked the bytes this end sent that the peer acknowledged
     * @param bytesReceived the bytes received from the peer
     * @param msSinceDataReceived milliseconds since data last arrived, or since the connection
     *     was set up if none has
     */
    public record TcpConnection(int localPort, long bytesAcked, long bytesReceived, long msSinceDataReceived) {
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
     * Points stdout and stderr at the log file {@code path}, opened for appending (created 0644 if
     * missing), as the helper did before {@code exec}; used for the first open of a supervised
     * service's log and for every reopen on reload. The open never blocks and never follows a
     * link ({@code O_NONBLOCK|O_NOFOLLOW}, so a FIFO or a symlink planted at the path fails at
     * once), and what was opened must be a regular file with one link, owned by this user
     * (checked on the descriptor, through {@code /proc/self/fd/N}, not by path). On any failure
     * stdout and stderr are left as they were.
     *
     * @throws IOException naming the path and the reason, when the old descriptors were kept
     */
    public static void redirectStdoutAndStderr(String path) throws IOException {
        int fd;
        try {
            fd = Holder.C.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW
                    | O_NOCTTY | O_NONBLOCK, 0644);
        } catch (LastErrorException e) {
            throw new IOException("cannot open log file " + path + ": " + describe(e));
        }
        try {
            String problem = unsuitableLog(fd);
            if (problem != null) {
                throw new IOException("log file " + path + " " + problem);
            }
            try {
                int flags = Holder.C.fcntl(fd, F_GETFL, 0);
                Holder.C.fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
                Holder.C.dup2(fd, 1);
                Holder.C.dup2(fd, 2);
            } catch (LastErrorException e) {
                throw new IOException("cannot redirect stdout and stderr to " + path + ": "
                        + describe(e));
            }
        } finally {
            try {
                Holder.C.close(fd);
            } catch (LastErrorException ignored) {
                // the descriptor is gone either way
            }
        }
    }

    /**
     * Why the open descriptor is no log file (not a regular file, more than one link, another
     * user's), or null. The {@code /proc/self/fd/N} (or {@code /dev/fd/N}) link leads to the file
     * that was opened, whatever its path names now.
     */
    private static String unsuitableLog(int fd) {
        Path opened = Path.of(Files.isDirectory(Path.of("/proc/self/fd")) ? "/proc/self/fd" : "/dev/fd",
                Integer.toString(fd));
        try {
            if (!Files.isRegularFile(opened)) {
                return "is not a regular file";
            }
            return ExistingFile.foreign(opened, true, TrustedPath.Identity.current());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot be checked: " + e;
        }
    }

    private static String describe(LastErrorException e) {
        try {
            return Holder.C.strerror(e.getErrorCode()) + " (errno " + e.getErrorCode() + ")";
        } catch (RuntimeException | LinkageError ignored) {
            return "errno " + e.getErrorCode();
        }
    }
}
