package io.jdaemon.bench.peers;

import com.sun.akuma.Daemon;
import com.sun.net.httpserver.HttpServer;

/**
 * The minimal /health service daemonized with akuma: with {@code --daemon} the JVM forks (through
 * JNA), the child re-executes the same command line, and the parent exits at once; the
 * re-executed JVM calls {@link Daemon#init(String)} (setsid, closes stdio, chdir /, writes the
 * pidfile) and serves. Flags: {@code --daemon}, {@code --pidfile=PATH}, {@code --port=N}.
 */
public final class AkumaHealth {

    private AkumaHealth() {
    }

    public static void main(String[] args) throws Exception {
        boolean daemon = false;
        String pidFile = null;
        for (String arg : args) {
            if (arg.equals("--daemon")) {
                daemon = true;
            } else if (arg.startsWith("--pidfile=")) {
                pidFile = arg.substring("--pidfile=".length());
            }
        }
        Daemon d = new Daemon();
        if (d.isDaemonized()) {
            d.init(pidFile);
        } else if (daemon) {
            d.daemonize();
            System.exit(0);
        }
        HttpServer server = MinimalHealth.bind(MinimalHealth.port(args));
        server.start();
    }
}
