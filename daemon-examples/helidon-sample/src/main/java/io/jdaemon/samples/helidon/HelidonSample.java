package io.jdaemon.samples.helidon;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Helidon SE 4 web server with jdaemon's recipe: {@code explicitReady(true)}, and
 * {@link Daemon#ready()} once {@code start()} returned <em>and</em> {@code isRunning()} says so:
 * on a taken port Helidon logs the failure and {@code start()} returns anyway, with port -1.
 * Helidon's own shutdown hook stops the server on SIGTERM. {@code GET /} answers {@code ok}.
 *
 * <p>Its flags: {@code --port=N} (0 picks a free one, printed as {@code listening on port N}),
 * {@code --stop-marker=PATH} (written by the routing's {@code afterStop()}, to show that
 * Helidon's stop ran).
 */
public final class HelidonSample {

    private HelidonSample() {
    }

    public static void main(String[] args) {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("helidon-sample reloaded"));
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

        WebServer server = WebServer.builder()
                .port(port)
                .routing(routing -> routing.register("/", new HttpService() {
                    @Override
                    public void routing(HttpRules rules) {
                        rules.get("/", (request, response) -> response.send("ok\n"));
                    }

                    @Override
                    public void afterStop() {
                        if (marker != null) {
                            try {
                                Files.writeString(marker, "helidon stopped\n", StandardCharsets.UTF_8);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    }
                }))
                .build()
                .start();
        if (!server.isRunning()) {
            // A taken port: Helidon logged why and start() returned anyway. Exit 1 before
            // ready: the launcher takes the reason from the log.
            System.exit(1);
        }
        System.out.println("helidon-sample listening on port " + server.port());
        Daemon.ready();
    }
}
