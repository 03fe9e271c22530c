package io.jdaemon.bench.peers;

import com.sun.net.httpserver.HttpServer;
import org.apache.commons.daemon.Daemon;
import org.apache.commons.daemon.DaemonContext;

/**
 * The minimal /health service as an Apache Commons Daemon service, for jsvc: binds in
 * {@code init} (the jsvc idiom: privileged work before the user switch), serves from
 * {@code start}. Arguments after the class name: {@code --port=N}.
 */
public final class JsvcHealth implements Daemon {

    private HttpServer server;

    @Override
    public void init(DaemonContext context) throws Exception {
        server = MinimalHealth.bind(MinimalHealth.port(context.getArguments()));
    }

    @Override
    public void start() {
        server.start();
        System.out.println("jsvc-health listening on port " + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    @Override
    public void destroy() {
        server = null;
    }
}
