package io.jdaemon.examples;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test's own systemd notification socket: an AF_UNIX datagram socket (a path, or an abstract
 * {@code @name}) that records, for every datagram, the sender's PID as the kernel reports it
 * (SO_PASSCRED / SCM_CREDENTIALS), the way systemd checks that notifications come from the
 * service's main process. Linux x86_64 and aarch64 layouts.
 */
final class NotifyListener implements AutoCloseable {

    /** One datagram and the PID that sent it. */
    record Message(long senderPid, String text) {
    }

    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] addr, int len) throws LastErrorException;

        int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

        long recvmsg(int fd, Pointer msghdr, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PASSCRED = 16;
    private static final int SO_RCVTIMEO = 20;
    private static final int SCM_CREDENTIALS = 2;

    final String address;
    private final int fd;

    NotifyListener(String address) {
        this.address = address;
        this.fd = C.INSTANCE.socket(AF_UNIX, SOCK_DGRAM, 0);
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        ByteBuffer addr = ByteBuffer.allocate(110).order(ByteOrder.nativeOrder());
        addr.putShort((short) AF_UNIX);
        boolean isAbstract = address.startsWith("@");
        if (isAbstract) {
            addr.put((byte) 0).put(name, 1, name.length - 1);
        } else {
            addr.put(name);
        }
        C.INSTANCE.bind(fd, addr.array(), 2 + name.length + (isAbstract ? 0 : 1));
        Memory one = new Memory(4);
        one.setInt(0, 1);
        C.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_PASSCRED, one, 4);
        Memory timeout = new Memory(16); // struct timeval: 1 s, so receive() never hangs
        timeout.setLong(0, 1);
        timeout.setLong(8, 0);
        C.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
    }

    /** The next datagram, or null if none came within a second. */
    Message receive() {
        Memory buf = new Memory(4096);
        Memory iov = new Memory(16);
        iov.setPointer(0, buf);
        iov.setLong(8, buf.size());
        Memory control = new Memory(64);
        control.clear();
        Memory msg = new Memory(56);
        msg.clear();
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        msg.setPointer(32, control);
        msg.setLong(40, control.size());
        long n;
        try {
            n = C.INSTANCE.recvmsg(fd, msg, 0);
        } catch (LastErrorException e) {
            return null; // EAGAIN: the timeout
        }
        long pid = 0;
        long controlLength = msg.getLong(40);
        if (controlLength >= 16 + 12 && control.getInt(8) == SOL_SOCKET
                && control.getInt(12) == SCM_CREDENTIALS) {
            pid = control.getInt(16);
        }
        return new Message(pid, new String(buf.getByteArray(0, (int) n), StandardCharsets.UTF_8));
    }

    /** Receives until a datagram contains {@code text}; fails after 60 s. */
    Message await(String text) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            Message m = receive();
            if (m != null) {
                if (m.text().contains(text)) {
                    return m;
                }
                seen.append(m).append('\n');
            }
        }
        throw new AssertionError("no notification with " + text + "; received: " + seen);
    }

    @Override
    public void close() throws Exception {
        C.INSTANCE.close(fd);
        if (!address.startsWith("@")) {
            Files.deleteIfExists(Path.of(address));
        }
    }
}
