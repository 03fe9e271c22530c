package io.jdaemon.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A minimal HTTP/1.1 server (GET only, keep-alive) on a listening channel it is given, such as
 * {@code Daemon.listeningChannel()}: the JDK's {@code HttpServer} binds its own socket and takes
 * none. Each path answers {@code 200} with its text; any other {@code 404}.
 *
 * <p>{@link #stop} stops accepting but does not close the channel: on SIGTERM jdaemon has closed
 * it already, before the shutdown hooks ran (see {@code Daemon.listeningChannel()}), and a socket
 * another process also holds (a restart's new daemon) goes on listening either way.
 */
final class ChannelHttpServer {

    private static final int MAX_LINE = 8192;

    private final ServerSocketChannel channel;
    private final Map<String, Supplier<String>> routes;
    private final ExecutorService connections = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "http-connection");
        t.setDaemon(true); // an idle keep-alive connection does not hold the JVM
        return t;
    });
    private volatile boolean stopped;
    private Selector selector;

    ChannelHttpServer(ServerSocketChannel channel, Map<String, Supplier<String>> routes) {
        this.channel = channel;
        this.routes = Map.copyOf(routes);
    }

    /** Accepts on a thread of its own (not a daemon thread: it keeps the JVM serving). */
    void start() throws IOException {
        selector = Selector.open();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_ACCEPT);
        Thread acceptor = new Thread(this::acceptLoop, "http-acceptor");
        acceptor.start();
    }

    /** The port it listens on. */
    int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * Stops accepting (connections not yet accepted stay in the socket's queue, for another
     * process that holds the socket); connections being served finish their request.
     */
    void stop() {
        stopped = true;
        selector.wakeup();
        connections.shutdown();
    }

    private void acceptLoop() {
        try (Selector s = selector) {
            while (!stopped) {
                s.select();
                s.selectedKeys().clear();
                for (SocketChannel connection; !stopped && (connection = channel.accept()) != null; ) {
                    connection.configureBlocking(true);
                    SocketChannel accepted = connection;
                    try {
                        connections.execute(() -> serve(accepted));
                    } catch (RuntimeException e) { // stopping
                        close(accepted);
                    }
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                System.err.println("accepting failed, no longer serving: " + e);
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection; InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
                OutputStream out = Channels.newOutputStream(connection)) {
            while (true) {
                String request = line(in);
                if (request == null || request.isEmpty()) {
                    return;
                }
                boolean keepAlive = request.endsWith("HTTP/1.1");
                for (String header; (header = line(in)) != null && !header.isEmpty(); ) {
                    String h = header.toLowerCase(Locale.ROOT);
                    if (h.startsWith("connection:")) {
                        keepAlive = h.contains("keep-alive") || keepAlive && !h.contains("close");
                    }
                }
                String[] parts = request.split(" ");
                Supplier<String> route = parts.length == 3 && parts[0].equals("GET")
                        ? routes.get(parts[1]) : null;
                byte[] body = ((route == null ? "not found" : route.get()) + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 " + (route == null ? "404 Not Found" : "200 OK") + "\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length + "\r\n"
                        + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** One CRLF- or LF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String s = bytes.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (bytes.size() >= MAX_LINE) {
                throw new IOException("line too long");
            }
            bytes.write(c);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static void close(SocketChannel connection) {
        try {
            connection.close();
        } catch (IOException e) {
            // closing only
        }
    }
}
