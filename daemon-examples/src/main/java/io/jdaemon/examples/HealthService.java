package io.jdaemon.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A small HTTP service on the JDK's built-in server: {@code GET /health} answers {@code ok},
 * {@code GET /pid} answers the serving process's PID. Runs in the foreground, or as a daemon with
 * {@code --daemon}; it signals readiness once it is listening.
 *
 * <p>With {@code --listen=[ADDR:]PORT} (a library flag) it serves on
 * {@link Daemon#listeningChannel()}, the socket the helper bound before the JVM started (or
 * systemd passed), through {@link ChannelHttpServer}; {@code --port} is then not used.
 *
 * <p>Its own flags: {@code --port=N} (0, the default, picks a free port; the port is printed),
 * {@code --fail-before-ready} (throws before it is ready, to show how a failed start is
 * reported), {@code --fail-via-api} (reports a failed start with {@link Daemon#failed} from
 * another thread while a thread that is not a daemon keeps the JVM alive), {@code --slow-stop=SECONDS} (its shutdown takes that long, to show a stop that
 * times out) and {@code --slow-start=SECONDS} (it takes that long before it listens, asking for
 * more time with {@link Daemon#extendStartTimeout} every half second, as a service that loads
 * its data would). On a reload ({@code --sighup=reload} and SIGHUP) it prints a line, or with
 * {@code --fail-reload} its reload callback throws (to show how that is reported).
 */
public final class HealthService {

    private HealthService() {
    }

    public static void main(String[] args) throws IOException {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());

        int port = 0;
        int slowStop = 0;
        int slowStart = 0;
        boolean failBeforeReady = false;
        boolean failReload = false;
        boolean failViaApi = false;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--slow-stop=")) {
                slowStop = Integer.parseInt(arg.substring("--slow-stop=".length()));
            } else if (arg.startsWith("--slow-start=")) {
                slowStart = Integer.parseInt(arg.substring("--slow-start=".length()));
            } else if (arg.equals("--fail-before-ready")) {
                failBeforeReady = true;
            } else if (arg.equals("--fail-reload")) {
                failReload = true;
            } else if (arg.equals("--fail-via-api")) {
                failViaApi = true;
            } else {
                System.err.println("daemon-examples: unknown argument " + arg
                        + "; use --port=N, --slow-stop=SECONDS, --slow-start=SECONDS or --fail-before-ready");
                System.exit(2);
            }
        }
        if (failBeforeReady) {
            throw new IllegalStateException("failing before ready, as asked by --fail-before-ready");
        }
        if (failViaApi) {
            // As a framework whose failed start leaves the JVM running (Vert.x): a thread that
            // is not a daemon goes on, and another thread reports the failure.
            new Thread(() -> sleep(Long.MAX_VALUE), "keeps-the-jvm-alive").start();
            new Thread(() -> Daemon.failed(new IllegalStateException(
                    "failing through Daemon.failed, as asked by --fail-via-api")), "framework").start();
            return;
        }
        for (long waited = 0; waited < slowStart * 1000L; waited += 500) {
            Daemon.extendStartTimeout(Duration.ofSeconds(2));
            sleep(500);
        }

        Runnable stop;
        int boundPort;
        Optional<ServerSocketChannel> listening = Daemon.listeningChannel();
        if (listening.isPresent()) {
            // --listen (or systemd's socket): the channel the helper or the JVM bound.
            ChannelHttpServer server = new ChannelHttpServer(listening.get(), Map.of(
                    "/health", () -> "ok",
                    "/pid", () -> Long.toString(ProcessHandle.current().pid())));
            server.start();
            stop = server::stop;
            boundPort = server.port();
        } else {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            server.createContext("/health", exchange -> answer(exchange, "ok"));
            server.createContext("/pid", exchange ->
                    answer(exchange, Long.toString(ProcessHandle.current().pid())));
            server.start();
            stop = () -> server.stop(0);
            boundPort = server.getAddress().getPort();
        }
        long stopDelay = slowStop * 1000L;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("daemon-examples stopping");
            sleep(stopDelay);
            stop.run();
        }, "health-service-stop"));
        boolean throwOnReload = failReload;
        Daemon.onReload(() -> {
            if (throwOnReload) {
                throw new IllegalStateException("failing on reload, as asked by --fail-reload");
            }
            System.out.println("daemon-examples reloaded");
        });
        System.out.println("daemon-examples listening on port " + boundPort);
        Daemon.ready();
        Daemon.setSystemdStatus("serving on port " + boundPort);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
