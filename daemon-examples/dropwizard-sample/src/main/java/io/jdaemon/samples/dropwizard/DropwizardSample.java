package io.jdaemon.samples.dropwizard;

import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * A Dropwizard 4 service with jdaemon's recipe: {@code explicitReady(true)}, and
 * {@link Daemon#ready()} from a {@link ServerLifecycleListener} (Jetty has started and its
 * connectors are bound). Run as {@code java -jar dropwizard-sample.jar server config.yml}, with
 * {@code --workdir=.} for a relative config path. {@code GET /} answers {@code ok}.
 *
 * <p>The system property {@code sample.stop-marker=PATH} makes a {@link Managed} object write
 * PATH when Dropwizard stops it, to show that Dropwizard's graceful stop ran.
 */
public final class DropwizardSample extends Application<Configuration> {

    public static void main(String[] args) throws Exception {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("dropwizard-sample reloaded"));
        new DropwizardSample().run(args);
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        environment.jersey().register(new Ok());
        environment.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(org.eclipse.jetty.server.Server server) {
                System.out.println("dropwizard-sample listening on port " + getLocalPort(server));
                Daemon.ready(); // Jetty started: every connector is bound
            }
        });
        String marker = System.getProperty("sample.stop-marker", "");
        if (!marker.isEmpty()) {
            environment.lifecycle().manage(new Managed() {
                @Override
                public void stop() throws Exception {
                    Files.writeString(java.nio.file.Path.of(marker), "dropwizard stopped\n",
                            StandardCharsets.UTF_8);
                }
            });
        }
    }

    /** {@code GET /}: ok. */
    @Path("/")
    public static final class Ok {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String ok() {
            return "ok";
        }
    }
}
