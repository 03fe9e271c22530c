package io.jdaemon.samples.jetty;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * An embedded Jetty 12 service with jdaemon's recipe: {@code explicitReady(true)}, and
 * {@link Daemon#ready()} once {@code server.start()} returned (the connector is bound). A bind
 * failure escapes {@code main}, and the launcher prints it. Every request answers {@code ok}.
 *
 * <p>Its flags: {@code --port=N} (0 picks a free one, printed as {@code listening on port N}),
 * {@code --stop-marker=PATH} (written once Jetty has stopped, to show that its stop ran) and
 * {@code --inherit-channel} (the recipe for {@code --listen}: the connector serves the socket the
 * daemon inherited, {@link ServerConnector#setInheritChannel}, and a stop timeout lets Jetty
 * finish the connections it accepted, so a {@code --daemon=restart} that hands the socket over
 * fails none). It prints {@code jetty-sample stopped} when Jetty has stopped.
 */
public final class JettySample {

    private JettySample() {
    }

    public static void main(String[] args) throws Exception {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        int port = 8080;
        String stopMarker = null;
        boolean inherit = false;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--stop-marker=")) {
                stopMarker = arg.substring("--stop-marker=".length());
            } else if (arg.equals("--inherit-channel")) {
                inherit = true;
            }
        }

        Server server = new Server(port);
        Handler ok = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "ok\n", callback);
                return true;
            }
        };
        if (inherit) {
            // On SIGTERM jdaemon stops accepting on it first; the socket stays open in the
            // daemon that took it over, and Jetty's graceful stop finishes what was accepted.
            ((ServerConnector) server.getConnectors()[0]).setInheritChannel(true);
            server.setStopTimeout(10_000); // at most this long for connections under way
        }
        server.setHandler(ok);
        server.setStopAtShutdown(true); // SIGTERM: Jetty's own shutdown hook stops the server
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                System.out.println("jetty-sample stopped"); // reaches the log: see --inherit-channel
            }
        });
        if (stopMarker != null) {
            Path marker = Path.of(stopMarker);
            server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStopped(LifeCycle event) {
                    try {
                        Files.writeString(marker, "jetty stopped\n", StandardCharsets.UTF_8);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
        server.start(); // throws if the port is taken: the launcher reports it
        System.out.println("jetty-sample listening on port "
                + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        Daemon.ready();
        server.join();
    }
}
