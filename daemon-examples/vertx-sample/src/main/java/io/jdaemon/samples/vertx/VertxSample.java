package io.jdaemon.samples.vertx;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Vert.x 5 HTTP service with jdaemon's recipe: {@code explicitReady(true)};
 * {@link Daemon#ready()} once {@code listen} succeeded, and {@link Daemon#failed(Throwable)} when
 * it failed: a failed {@code listen} leaves the JVM running (Vert.x's threads go on), so without
 * it the launcher would wait its whole start timeout. A shutdown hook closes Vert.x (it registers
 * none). Every request answers {@code ok}.
 *
 * <p>Its flags: {@code --port=N} (0 picks a free one, printed as {@code listening on port N}),
 * {@code --stop-marker=PATH} (written once Vert.x has closed, to show that its close ran).
 */
public final class VertxSample {

    private VertxSample() {
    }

    public static void main(String[] args) {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("vertx-sample reloaded"));
        int port = 8080;
        String stopMarker = null;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--stop-marker=")) {
                stopMarker = arg.substring("--stop-marker=".length());
            }
        }
        Path marker = stopMarker == null ? null : Path.of(stopMarker);

        int listen = port;
        Vertx vertx = Vertx.vertx();
        // SIGTERM: close Vert.x (servers stop, verticles are undeployed), then the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().await();
            if (marker != null) {
                try {
                    Files.writeString(marker, "vertx closed\n", StandardCharsets.UTF_8);
                } catch (IOException e) {
                    e.printStackTrace();
                }
            }
        }, "vertx-close"));
        vertx.createHttpServer()
                .requestHandler(request -> request.response().end("ok\n"))
                .listen(listen)
                .onSuccess(server -> {
                    System.out.println("vertx-sample listening on port " + server.actualPort());
                    Daemon.ready();
                })
                // Vert.x would keep the JVM alive: exit 1 at once with the reason (and the port,
                // which Netty's BindException does not name).
                .onFailure(e -> Daemon.failed(new IOException("cannot listen on port " + listen, e)));
    }
}
