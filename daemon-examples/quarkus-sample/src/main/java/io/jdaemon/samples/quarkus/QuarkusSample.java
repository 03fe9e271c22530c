package io.jdaemon.samples.quarkus;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.vertx.http.HttpServer;
import jakarta.inject.Inject;

/**
 * A Quarkus 3 REST service with jdaemon's recipe: {@code explicitReady(true)} in a
 * {@link QuarkusMain}, and {@link Daemon#ready()} from {@link QuarkusApplication#run}, which
 * Quarkus calls once the application has started, HTTP server included. Not from
 * {@code StartupEvent}: that fires before the HTTP server opens its socket, so a taken port would
 * fail after {@code --daemon} had already said {@code started}.
 *
 * <p>Its settings are Quarkus's: {@code -Dquarkus.http.port=N} (0 picks a free one, printed as
 * {@code listening on port N}); {@code -Dsample.stop-marker=PATH} ({@link Stopped}).
 */
@QuarkusMain
public class QuarkusSample implements QuarkusApplication {

    @Inject
    HttpServer httpServer;

    public static void main(String... args) {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("quarkus-sample reloaded"));
        Quarkus.run(QuarkusSample.class, args);
    }

    /** Quarkus has started and its HTTP server listens: now {@code --daemon} may return 0. */
    @Override
    public int run(String... args) {
        System.out.println("quarkus-sample listening on port " + httpServer.getPort());
        Daemon.ready();
        Quarkus.waitForExit(); // until SIGTERM: Quarkus's shutdown hook stops the application
        return 0;
    }
}
