package io.jdaemon.internal.listen;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;

/**
 * One {@code --listen=[ADDR:]PORT} value, parsed as strictly as the helper parses it
 * ({@code listen.c}): the port alone (every address), a numeric IPv4 address, or a numeric IPv6
 * address in brackets; and binding it in this JVM, for the foreground.
 */
public final class ListenAddress {

    /** What a valid value looks like, for messages. */
    static final String FORMS = "give a port (8080), a numeric IPv4 address and port "
            + "(127.0.0.1:8080) or an IPv6 one in brackets ([::1]:8080); a port is 0..65535";

    private final String spec;
    private final InetAddress address; // null: every address
    private final int port;

    private ListenAddress(String spec, InetAddress address, int port) {
        this.spec = spec;
        this.address = address;
        this.port = port;
    }

    /**
     * Parses a {@code --listen} value.
     *
     * @throws IllegalArgumentException with the one-line reason, if it is not {@code [ADDR:]PORT}
     */
    public static ListenAddress parse(String spec) {
        String problem = spec == null || spec.isEmpty() ? "is empty" : null;
        InetAddress address = null;
        String port = spec;
        if (problem == null && spec.startsWith("[")) {
            int close = spec.indexOf(']');
            if (close < 0 || close + 1 >= spec.length() || spec.charAt(close + 1) != ':') {
                problem = "is not [IPv6]:PORT";
            } else {
                address = ipv6(spec.substring(1, close));
                problem = address == null ? "has no valid IPv6 address in brackets" : null;
                port = spec.substring(close + 2);
            }
        } else if (problem == null && spec.indexOf(':') >= 0) {
            int colon = spec.indexOf(':');
            if (spec.indexOf(':', colon + 1) >= 0) {
                problem = "has more than one ':' (an IPv6 address goes in brackets)";
            } else {
                address = ipv4(spec.substring(0, colon));
                problem = address == null ? "has no numeric IPv4 address before ':'" : null;
                port = spec.substring(colon + 1);
            }
        }
        int number = problem == null ? port(port) : -1;
        if (problem == null && number < 0) {
            problem = "has no port 0..65535";
        }
        if (problem != null) {
            throw new IllegalArgumentException("--listen=" + spec + " " + problem + "; " + FORMS);
        }
        return new ListenAddress(spec, address, number);
    }

    /** The value as given, for the helper's {@code --listen}, the launch record and messages. */
    public String spec() {
        return spec;
    }

    /** The port; 0 lets the kernel choose. */
    public int port() {
        return port;
    }

    /** The address, or null for every address. */
    public InetAddress address() {
        return address;
    }

    /**
     * Binds a listening channel here, as the helper binds the daemon's: {@code SO_REUSEADDR} (the
     * JDK's default), the system's largest backlog; the port alone on every address, IPv6 and
     * IPv4 (the JDK's sockets are dual-stack).
     *
     * @throws DaemonException with the helper's one-line reasons, if it cannot
     */
    public ServerSocketChannel bind() {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            // The kernel caps the backlog at net.core.somaxconn, as listen(SOMAXCONN) in C.
            channel.bind(address == null ? new InetSocketAddress(port)
                    : new InetSocketAddress(address, port), Integer.MAX_VALUE);
            return channel;
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing was bound
                }
            }
            throw new DaemonException("cannot listen on --listen=" + spec + ": " + why(e),
                    ExitStatus.NOT_CONFIGURED, e);
        }
    }

    /** The helper's words for a failed bind ({@code listen.c}). */
    static String why(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof BindException && message.contains("in use")) {
            return "the port is in use (EADDRINUSE); stop what listens there or choose another "
                    + "--listen";
        }
        if (e instanceof BindException && message.contains("ermission denied")) {
            return "permission denied (EACCES); ports below 1024 need root or "
                    + "CAP_NET_BIND_SERVICE: start as root (with --user) or choose a port of 1024 "
                    + "or above";
        }
        if (e instanceof BindException && message.contains("assign requested address")) {
            return "no interface of this host has that address (EADDRNOTAVAIL); give one of its "
                    + "addresses, or the port alone for all";
        }
        return message;
    }

    /** Strict decimal 0..65535, leading zeros allowed (as the helper); -1 if not. */
    private static int port(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value > 65535) {
                return -1;
            }
        }
        return value;
    }

    /** A dotted quad as inet_pton(AF_INET) takes it: four decimals 0..255, no leading zero. */
    private static InetAddress ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || p.length() > 1 && p.charAt(0) == '0'
                    || !only(p, "0123456789")) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            bytes[i] = (byte) v;
        }
        return byAddress(bytes);
    }

    /**
     * An IPv6 literal, no zone ({@code %eth0}: the helper takes none). A literal with a ':'
     * is parsed by the JDK without any name lookup.
     */
    private static InetAddress ipv6(String s) {
        if (s.isEmpty() || s.indexOf(':') < 0 || !only(s, "0123456789abcdefABCDEF:.")) {
            return null; // a zone (%eth0), a name
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            // "::ffff:1.2.3.4" comes back as an Inet4Address: the helper binds it as IPv6.
            return a instanceof Inet6Address ? a
                    : Inet6Address.getByAddress(null, mapped(a.getAddress()), null);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether every character of {@code s} is one of {@code allowed} (no lambda: start-up path). */
    private static boolean only(String s, String allowed) {
        for (int i = 0; i < s.length(); i++) {
            if (allowed.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    @Override
    public String toString() {
        return spec;
    }
}
