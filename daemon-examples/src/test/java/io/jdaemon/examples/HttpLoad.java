package io.jdaemon.examples;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded loopback HTTP load: {@code clients} threads, each sending {@code GET path} one after
 * the other, on a new connection each time ({@code Connection: close}) or on one kept alive, and
 * counting what came back. A request counts as answered on a {@code 200}; refused when the
 * connection was refused (no socket listening); failed for anything else (reset, closed without
 * an answer, another status, a 10 s timeout). On a kept-alive connection the server may close
 * it between two requests (a daemon stopping closes its idle connections): a request that finds
 * it closed before any byte of the answer is sent again on a new connection, as every HTTP
 * client does (RFC 9112, 9.3.1), and counted as retried, not failed.
 */
final class HttpLoad implements AutoCloseable {

    private static final int TIMEOUT_MS = 10_000;

    private final int port;
    private final String path;
    private final boolean keepAlive;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    final AtomicLong answered = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    private final List<String> failures = new ArrayList<>();

    private HttpLoad(int port, String path, boolean keepAlive) {
        this.port = port;
        this.path = path;
        this.keepAlive = keepAlive;
    }

    /** Starts the load; {@link #close} stops it. */
    static HttpLoad start(int port, String path, int clients, boolean keepAlive) {
        HttpLoad load = new HttpLoad(port, path, keepAlive);
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(load::run, "http-load-" + i);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    /** The first failures, with what they were (at most 20). */
    synchronized List<String> failures() {
        return new ArrayList<>(failures);
    }

    /** Waits until {@code more} further requests were answered (bounded: 60 s). */
    void awaitAnswers(long more) {
        long target = answered.get() + more;
        Example.awaitTrue(() -> answered.get() >= target, more + " more answers");
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TIMEOUT_MS * 2L);
        }
    }

    /** One line: the counts. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d answered, %d refused, %d failed, %d retried on a "
                + "closed kept-alive connection; first failures: %s", keepAlive ? "keep-alive" : "new "
                + "connection per request", answered.get(), refused.get(), failed.get(), retried.get(),
                failures());
    }

    /** Notes a failure with its time of day and the client's end, to match with the daemon's log. */
    private synchronized void note(Socket socket, boolean reused, String failure) {
        if (failures.size() < 20) {
            String end = socket == null ? "" : " from port " + socket.getLocalPort();
            failures.add(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + (reused ? " kept-alive" : " new")
                    + " connection" + end + ": " + failure);
        }
    }

    private void run() {
        Socket socket = null;
        while (running) {
            boolean reused = socket != null;
            try {
                if (socket == null) {
                    socket = connect();
                }
                boolean open = exchange(socket);
                answered.incrementAndGet();
                if (!open || !keepAlive) {
                    socket.close();
                    socket = null;
                }
            } catch (ConnectException e) {
                socket = null;
                refused.incrementAndGet();
                note(null, false, "refused: " + e.getMessage());
            } catch (ClosedBeforeAnswer e) {
                if (reused) {
                    retried.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    note(socket, false, e.getMessage());
                }
                closeQuietly(socket);
                socket = null;
            } catch (IOException | RuntimeException e) {
                failed.incrementAndGet();
                note(socket, reused, e.toString());
                closeQuietly(socket);
                socket = null;
            }
        }
        closeQuietly(socket);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(TIMEOUT_MS);
        s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        return s;
    }

    /** Sends one request and reads its answer; whether the connection stays open. */
    private boolean exchange(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        try {
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new ClosedBeforeAnswer("closed before the request was sent: " + e);
        }
        InputStream in = s.getInputStream();
        String head = readHead(in);
        String status = head.substring(0, head.indexOf('\r'));
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("answered " + status);
        }
        String lower = head.toLowerCase(Locale.ROOT);
        int length = contentLength(lower);
        if (length >= 0) {
            in.readNBytes(length);
        } else if (lower.contains("transfer-encoding: chunked")) {
            readChunks(in);
        } else {
            in.readAllBytes();
            return false;
        }
        return keepAlive && !lower.contains("connection: close");
    }

    /** The status line and headers; ClosedBeforeAnswer if the connection ends before a byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                if (head.size() == 0 && !(e instanceof java.net.SocketTimeoutException)) {
                    throw new ClosedBeforeAnswer("closed without an answer: " + e);
                }
                throw e;
            }
            if (b < 0) {
                if (head.size() == 0) {
                    throw new ClosedBeforeAnswer("closed without an answer");
                }
                throw new EOFException("closed in the middle of the answer");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String lowerHead) {
        int at = lowerHead.indexOf("content-length:");
        if (at < 0) {
            return -1;
        }
        int end = lowerHead.indexOf('\r', at);
        return Integer.parseInt(lowerHead.substring(at + "content-length:".length(), end).trim());
    }

    private static void readChunks(InputStream in) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("closed in a chunk");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            int size = Integer.parseInt(line.toString().split(";")[0].trim(), 16);
            in.readNBytes(size + 2);
            if (size == 0) {
                return;
            }
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** The connection ended before any byte of the answer came. */
    private static final class ClosedBeforeAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeAnswer(String message) {
            super(message);
        }
    }
}
