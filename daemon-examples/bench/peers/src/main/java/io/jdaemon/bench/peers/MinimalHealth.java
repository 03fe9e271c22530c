package io.jdaemon.bench.peers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The service every peer runs: the same as io.jdaemon.examples.HealthService without jdaemon (the
 * JDK's HTTP server on loopback, GET /health answers "ok", GET /pid the serving PID). Run directly
 * it is a foreground service without any daemon library: {@code --port=N}.
 */
public final class MinimalHealth {

    private MinimalHealth() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = bind(port(args));
        server.start();
        System.out.println("minimal-health listening on port " + server.getAddress().getPort());
    }

    /** The port from {@code --port=N}; 0 if absent. */
    static int port(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                return Integer.parseInt(arg.substring("--port=".length()));
            }
        }
        return 0;
    }

    /** A bound, not yet started server with the two contexts. */
    static HttpServer bind(int port) throws IOException {
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/health", exchange -> answer(exchange, "ok"));
        server.createContext("/pid", exchange ->
                answer(exchange, Long.toString(ProcessHandle.current().pid())));
        return server;
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
