package io.jdaemon.samples.tomcat;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat 11 service with jdaemon's recipe: {@code explicitReady(true)};
 * {@code connector.setThrowOnFailure(true)}, without which a taken port is only logged and
 * {@code tomcat.start()} returns as if it served; {@link Daemon#ready()} once {@code start()}
 * returned; and a shutdown hook that stops Tomcat (embedded Tomcat registers none). Every request
 * answers {@code ok}.
 *
 * <p>Its flags: {@code --port=N} (0 picks a free one, printed as {@code listening on port N}),
 * {@code --stop-marker=PATH} (written once Tomcat has stopped, to show that its stop ran).
 */
public final class TomcatSample {

    private TomcatSample() {
    }

    public static void main(String[] args) throws Exception {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("tomcat-sample reloaded"));
        int port = 8080;
        String stopMarker = null;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--stop-marker=")) {
                stopMarker = arg.substring("--stop-marker=".length());
            }
        }

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-sample").toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setThrowOnFailure(true); // a taken port throws from start(), not just a log line
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.getWriter().print("ok\n");
            }
        });
        context.addServletMappingDecoded("/", "ok");
        if (stopMarker != null) {
            Path marker = Path.of(stopMarker);
            tomcat.getServer().addLifecycleListener(event -> {
                if (Lifecycle.AFTER_STOP_EVENT.equals(event.getType())) {
                    try {
                        Files.writeString(marker, "tomcat stopped\n", StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
        // SIGTERM: stop Tomcat (connectors pause, requests finish, contexts stop).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "tomcat-stop"));
        tomcat.start(); // throws on a taken port (setThrowOnFailure): the launcher reports it
        System.out.println("tomcat-sample listening on port " + connector.getLocalPort());
        Daemon.ready();
        tomcat.getServer().await();
    }
}
