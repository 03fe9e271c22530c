package io.jdaemon.samples.micronaut;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Micronaut 4 HTTP service with jdaemon's recipe: {@code explicitReady(true)}, and
 * {@link Daemon#ready()} on {@link ServerStartupEvent} (published once the Netty server is
 * bound). A taken port makes Micronaut log the failure and exit 1. {@code GET /} answers
 * {@code ok}.
 *
 * <p>Micronaut's own flags: {@code -micronaut.server.port=N} ({@code -1} picks a free one; the
 * port is printed as {@code listening on port N}); {@code -sample.stop-marker=PATH} makes the
 * {@link ShutdownEvent} listener (Micronaut's shutdown hook closing the context) write PATH.
 */
@Controller
public class MicronautSample {

    @Value("${sample.stop-marker:}")
    String stopMarker;

    public static void main(String[] args) {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("micronaut-sample reloaded"));
        Micronaut.run(MicronautSample.class, args);
    }

    /** Netty is bound: now {@code --daemon} may return 0. */
    @EventListener
    void serving(ServerStartupEvent event) {
        System.out.println("micronaut-sample listening on port " + event.getSource().getPort());
        Daemon.ready();
    }

    /** Runs when Micronaut's shutdown hook closes the context. */
    @EventListener
    void stopped(ShutdownEvent event) throws IOException {
        if (!stopMarker.isEmpty()) {
            Files.writeString(Path.of(stopMarker), "micronaut stopped\n", StandardCharsets.UTF_8);
        }
    }

    @Get
    @Produces(MediaType.TEXT_PLAIN)
    public String ok() {
        return "ok";
    }
}
