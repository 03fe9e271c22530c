package io.jdaemon.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Listening sockets as the kernel shows them ({@code /proc/net/tcp} and {@code tcp6}, and a
 * process's {@code /proc/PID/fd}), free ports, and a plain HTTP GET that waits long enough for a
 * service that socket activation starts at the first connection.
 */
final class Sockets {

    /** A TCP socket in LISTEN state: its local address (as InetAddress prints it, no brackets) and port. */
    record Listening(long inode, String address, int port) {
    }

    private static final String LISTEN = "0A";

    private Sockets() {
    }

    /** Every TCP socket in LISTEN state in this network namespace. */
    static List<Listening> all() {
        List<Listening> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (NoSuchFileException e) {
                continue; // no IPv6
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (!f[3].equals(LISTEN)) {
                    continue;
                }
                String[] local = f[1].split(":");
                out.add(new Listening(Long.parseLong(f[9]), address(local[0]),
                        Integer.parseInt(local[1], 16)));
            }
        }
        return out;
    }

    /** The listening socket at descriptor {@code fd} of {@code pid}, or null if it is not one. */
    static Listening listeningAt(long pid, int fd) {
        String link = new Proc(pid).fds().get(fd);
        if (link == null || !link.startsWith("socket:[")) {
            return null;
        }
        long inode = Long.parseLong(link.substring(8, link.length() - 1));
        return all().stream().filter(l -> l.inode() == inode).findFirst().orElse(null);
    }

    /** The ports of the listening sockets {@code pid} holds. */
    static List<Integer> listeningPorts(long pid) {
        List<Integer> ports = new ArrayList<>();
        for (String link : new Proc(pid).fds().values()) {
            if (link.startsWith("socket:[")) {
                long inode = Long.parseLong(link.substring(8, link.length() - 1));
                all().stream().filter(l -> l.inode() == inode).forEach(l -> ports.add(l.port()));
            }
        }
        return ports;
    }

    /** Waits (bounded) until something listens on {@code port}. */
    static void awaitListening(int port) {
        Example.awaitTrue(() -> all().stream().anyMatch(l -> l.port() == port), "a listener on port " + port);
    }

    /** A port nothing listens on now, of the kernel's choosing (it may be taken again later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** A port below 1024 (from 600) that this root process could bind on 127.0.0.1 just now. */
    static int freePrivilegedPort() {
        for (int i = 0; i < 200; i++) {
            int port = 600 + ThreadLocalRandom.current().nextInt(400);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // taken: another
            }
        }
        throw new AssertionError("no free port in 600..999");
    }

    /**
     * {@code GET PATH} on 127.0.0.1:PORT with HTTP/1.0, the body's last line; null if nothing
     * answers. Waits up to 60 s for the answer: a socket-activated service starts only now.
     */
    static String get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return response.startsWith("HTTP/1.") && response.contains(" 200 ") && body > 0
                    ? response.substring(body + 4).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The port in the "listening on port N" line a foreground example printed to {@code out}. */
    static int portInOutput(Path out) {
        Pattern p = Pattern.compile("listening on port (\\d+)");
        Example.awaitTrue(() -> p.matcher(read(out)).find(), "port in " + out);
        Matcher m = p.matcher(read(out));
        m.find();
        return Integer.parseInt(m.group(1));
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /proc/net/tcp's hex address (host byte order words) as InetAddress.getHostAddress prints it, "::" for in6addr_any. */
    private static String address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                // each 32-bit word is printed in host (little-endian) order
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - b) * 2,
                        word * 8 + (3 - b) * 2 + 2), 16);
            }
        }
        try {
            String a = InetAddress.getByAddress(bytes).getHostAddress();
            return a.equals("0:0:0:0:0:0:0:0") ? "::" : a;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
