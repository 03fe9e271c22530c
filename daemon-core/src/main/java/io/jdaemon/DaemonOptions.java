package io.jdaemon;

import io.jdaemon.internal.os.Capabilities;
import io.jdaemon.internal.jvm.JvmOptions;
import io.jdaemon.internal.listen.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable settings for {@link Daemon}: the programmatic defaults a service gives in code. The
 * command-line flags override them. Build one with {@link #builder()}.
 *
 * <table>
 *   <caption>Settings, their flags and defaults</caption>
 *   <tr><th>setting</th><th>flag</th><th>default</th></tr>
 *   <tr><td>{@link Builder#pidFile(Path) pidFile}</td><td>{@code --pidfile=PATH}</td>
 *       <td>none: no pidfile, so a second start cannot be detected</td></tr>
 *   <tr><td>{@link Builder#logFile(Path) logFile}</td><td>{@code --log=PATH}</td>
 *       <td>{@code /dev/null}; stdout and stderr are appended to the file</td></tr>
 *   <tr><td>{@link Builder#workDir(Path) workDir}</td><td>{@code --workdir=DIR}</td>
 *       <td>the directory the launcher was started in, as a foreground run, {@code nohup} and
 *       {@code setsid} keep it (frameworks read {@code ./config.yml}, write {@code ./tomcat.PORT},
 *       a relative {@code -Xlog:gc:file=gc.log} lands beside the launcher's); {@code --workdir=/}
 *       gives daemon(3)'s behaviour</td></tr>
 *   <tr><td>{@link Builder#umask(int) umask}</td><td>{@code --umask=OCTAL}</td>
 *       <td>{@code 022}</td></tr>
 *   <tr><td>{@link Builder#sighup(Sighup) sighup}</td>
 *       <td>{@code --sighup=default|ignore|reload}</td><td>{@link Sighup#DEFAULT}</td></tr>
 *   <tr><td>{@link Builder#startTimeout(Duration) startTimeout}</td>
 *       <td>{@code --start-timeout=SECONDS}</td><td>60 seconds</td></tr>
 *   <tr><td>{@link Builder#stopTimeout(Duration) stopTimeout}</td>
 *       <td>{@code --stop-timeout=SECONDS}</td><td>120 seconds: above the graceful shutdown of
 *       common frameworks (Spring Boot's 30 s shutdown phase) and the limits of common supervisors
 *       (Spring Boot's old launch script waited 60 s, systemd's {@code TimeoutStopSec} is 90 s), so
 *       a stop never reports failure while the service is still shutting down cleanly</td></tr>
 *   <tr><td>{@link Builder#user(String) user}</td><td>{@code --user=USER[:GROUP]}</td>
 *       <td>none: the daemon runs as the launching user</td></tr>
 *   <tr><td>{@link Builder#keepCaps(List) keepCaps}</td>
 *       <td>{@code --keep-caps=NAME[,NAME...]}</td><td>none: no capability is kept</td></tr>
 *   <tr><td>{@link Builder#jvmOptions(List) jvmOptions}</td>
 *       <td>{@code --jvm-option=OPTION}, repeated</td><td>none: the daemon's JVM runs with the
 *       launching JVM's options only</td></tr>
 *   <tr><td>{@link Builder#startupCache(boolean) startupCache}</td><td>{@code --startup-cache}</td>
 *       <td>{@code false}: the daemon's JVM maps no class-data archive of the library's</td></tr>
 *   <tr><td>{@link Builder#listen(String) listen}</td><td>{@code --listen=[ADDR:]PORT}</td>
 *       <td>none: the service binds its own sockets; see {@link Daemon#listeningChannel()}</td></tr>
 *   <tr><td>{@link Builder#explicitReady(boolean) explicitReady}</td><td>none</td>
 *       <td>{@code false}: ready when {@code detachIfRequested} returns</td></tr>
 *   <tr><td>{@link Builder#name(String) name}</td><td>none</td>
 *       <td>the module's name for {@code -m}; the jar's file name without {@code .jar} and a
 *       version suffix; Quarkus' application name for {@code quarkus-run.jar}; else the main
 *       class's simple name (the same in the launcher and the control commands)</td></tr>
 * </table>
 *
 * <p>Relative paths are resolved against the launching process's working directory, before the
 * daemon changes to its own.
 */
public final class DaemonOptions {

    /** What SIGHUP does to the daemon. */
    public enum Sighup {
        /**
         * SIGHUP keeps its default meaning: the JVM runs its shutdown hooks and exits with status
         * 129. A launcher started under {@code nohup} (SIGHUP ignored) passes that choice on.
         */
        DEFAULT,
        /** SIGHUP is ignored. */
        IGNORE,
        /**
         * SIGHUP reloads: the daemon reopens its {@code --log} file (so that logrotate can rename
         * it and signal), then runs the callbacks given to {@link Daemon#onReload(Runnable)}.
         */
        RELOAD
    }

    private static final DaemonOptions DEFAULTS = new Builder().build();

    private final String name;
    private final Path pidFile;
    private final Path logFile;
    private final Path workDir;
    private final int umask;
    private final Sighup sighup;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final boolean explicitReady;
    private final boolean startupCache;
    private final String user;
    private final List<String> keepCaps;
    private final List<String> jvmOptions;
    private final String listen;

    private DaemonOptions(Builder b) {
        this.name = b.name;
        this.pidFile = b.pidFile;
        this.logFile = b.logFile;
        this.workDir = b.workDir;
        this.umask = b.umask;
        this.sighup = b.sighup;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.explicitReady = b.explicitReady;
        this.startupCache = b.startupCache;
        this.user = b.user;
        this.keepCaps = List.copyOf(b.keepCaps);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.listen = b.listen;
    }

    /** {@return the defaults listed in the class description} */
    public static DaemonOptions defaults() {
        return DEFAULTS;
    }

    /** {@return a builder holding the defaults listed in the class description} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these settings} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.pidFile = pidFile;
        b.logFile = logFile;
        b.workDir = workDir;
        b.umask = umask;
        b.sighup = sighup;
        b.startTimeout = startTimeout;
        b.stopTimeout = stopTimeout;
        b.explicitReady = explicitReady;
        b.startupCache = startupCache;
        b.user = user;
        b.keepCaps = new ArrayList<>(keepCaps);
        b.jvmOptions = new ArrayList<>(jvmOptions);
        b.listen = listen;
        return b;
    }

    /** {@return the name used in the launcher's messages, or {@code null} to derive it} */
    public String name() {
        return name;
    }

    /** {@return the pidfile, or {@code null} for none} */
    public Path pidFile() {
        return pidFile;
    }

    /** {@return the file stdout and stderr are appended to} */
    public Path logFile() {
        return logFile;
    }

    /** {@return the daemon's working directory} */
    public Path workDir() {
        return workDir;
    }

    /** {@return the daemon's file mode creation mask, 0 to 0777} */
    public int umask() {
        return umask;
    }

    /** {@return the SIGHUP policy} */
    public Sighup sighup() {
        return sighup;
    }

    /** {@return how long the launcher waits for the daemon to be ready} */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** {@return how long a stop waits for the daemon to exit after SIGTERM} */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** {@return whether the service calls {@link Daemon#ready()} itself, once it is serving} */
    public boolean explicitReady() {
        return explicitReady;
    }

    /**
     * {@return whether the daemon's JVM uses the managed startup cache (a class-data archive the
     * library trains and keeps; docs/STARTUP_CACHE.md)}
     */
    public boolean startupCache() {
        return startupCache;
    }

    /**
     * {@return the user the daemon runs as, {@code USER[:GROUP]}, or {@code null} for the
     * launching user}
     */
    public String user() {
        return user;
    }

    /**
     * {@return the capabilities the daemon keeps as that user (normalized names), empty for none}
     */
    public List<String> keepCaps() {
        return keepCaps;
    }

    /**
     * {@return the options given to the daemon's JVM only, after the launching JVM's own; empty
     * for none}
     */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * {@return where the daemon's listening socket is bound, {@code [ADDR:]PORT}, or {@code null}
     * for none}
     */
    public String listen() {
        return listen;
    }

    @Override
    public String toString() {
        return "DaemonOptions[name=" + name + ", pidFile=" + pidFile + ", logFile=" + logFile
                + ", workDir=" + workDir + ", umask=0" + Integer.toOctalString(umask)
                + ", sighup=" + sighup + ", startTimeout=" + startTimeout + ", stopTimeout=" + stopTimeout
                + ", explicitReady=" + explicitReady + ", startupCache=" + startupCache + ", user=" + user
                + ", keepCaps=" + keepCaps + ", jvmOptions=" + jvmOptions + ", listen=" + listen + "]";
    }

    /** Builds {@link DaemonOptions}; starts from the defaults. */
    public static final class Builder {
        private String name;
        private Path pidFile;
        private Path logFile = Path.of("/dev/null");
        private Path workDir = Path.of("").toAbsolutePath();
        private int umask = 0022;
        private Sighup sighup = Sighup.DEFAULT;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(120);
        private boolean explicitReady;
        private boolean startupCache;
        private String user;
        private List<String> keepCaps = new ArrayList<>();
        private List<String> jvmOptions = new ArrayList<>();
        private String listen;

        private Builder() {
        }

        /**
         * Name for the launcher's messages ({@code NAME started, pid N}); null derives it.
         *
         * @param name the name, or null to derive it
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name == null || name.isBlank() ? null : name;
            return this;
        }

        /**
         * Pidfile path, or {@code null} for none. Default: none.
         *
         * @param pidFile the pidfile, or null for none
         * @return this builder
         */
        public Builder pidFile(Path pidFile) {
            this.pidFile = pidFile == null ? null : pidFile.toAbsolutePath().normalize();
            return this;
        }

        /**
         * Log file for stdout and stderr, appended to. Default: {@code /dev/null}.
         *
         * @param logFile the log file
         * @return this builder
         */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile").toAbsolutePath().normalize();
            return this;
        }

        /**
         * Working directory of the daemon. Default: the launching process's working directory;
         * {@code /} for daemon(3)'s behaviour (no directory kept busy).
         *
         * @param workDir the working directory
         * @return this builder
         */
        public Builder workDir(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
            return this;
        }

        /**
         * File mode creation mask, 0 to 0777 (write it in octal: {@code 0027}). Default: 022.
         *
         * @param umask the mask
         * @return this builder
         */
        public Builder umask(int umask) {
            if (umask < 0 || umask > 0777) {
                throw new IllegalArgumentException(
                        "umask must be between 0 and 0777, got 0" + Integer.toOctalString(umask));
            }
            this.umask = umask;
            return this;
        }

        /**
         * SIGHUP policy. Default: {@link Sighup#DEFAULT}.
         *
         * @param sighup the policy
         * @return this builder
         */
        public Builder sighup(Sighup sighup) {
            this.sighup = Objects.requireNonNull(sighup, "sighup");
            return this;
        }

        /**
         * How long the launcher waits for readiness, more than zero. Default: 60 seconds. The
         * service can ask for more while it starts, with {@link Daemon#extendStartTimeout}.
         *
         * @param startTimeout the start timeout
         * @return this builder
         */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * How long a stop waits for the daemon to exit after SIGTERM, more than zero. Default: 120
         * seconds. Keep it above the service's own graceful shutdown time (Spring Boot's
         * {@code spring.lifecycle.timeout-per-shutdown-phase}, 30 s by default): a stop that gives
         * up first reports a failure for a service that was about to exit cleanly.
         *
         * @param stopTimeout the stop timeout
         * @return this builder
         */
        public Builder stopTimeout(Duration stopTimeout) {
            if (stopTimeout.isNegative() || stopTimeout.isZero()) {
                throw new IllegalArgumentException("stopTimeout must be positive, got " + stopTimeout);
            }
            this.stopTimeout = stopTimeout;
            return this;
        }

        /**
         * When true, the launcher waits until the service calls {@link Daemon#ready()}, so that
         * {@code --daemon} returning 0 means "serving". Default: false (ready when
         * {@code detachIfRequested} returns).
         *
         * @param explicitReady whether the service calls Daemon.ready() itself
         * @return this builder
         */
        public Builder explicitReady(boolean explicitReady) {
            this.explicitReady = explicitReady;
            return this;
        }

        /**
         * When true, the daemon's JVM starts from a class-data archive the library creates,
         * trains and keeps for it (JDK 25: the AOT cache; 19 to 24: an auto-created shared
         * archive; 17: dynamic AppCDS): the first daemon writes it when it exits, the next ones
         * map it and start faster. Kept in a private directory of the daemon's user, rebuilt when
         * the JDK, the JVM's options or a class-path jar change; see docs/STARTUP_CACHE.md.
         * Only the daemon's JVM uses it, not the launcher's. Default: false.
         *
         * @param startupCache whether the daemon's JVM uses the managed startup cache
         * @return this builder
         */
        public Builder startupCache(boolean startupCache) {
            this.startupCache = startupCache;
            return this;
        }

        /**
         * The user the daemon runs as, {@code USER[:GROUP]} with names (from {@code /etc/passwd}
         * and {@code /etc/group} only) or numeric ids; {@code null} for the launching user. Needs
         * a root launcher; the JVM of the daemon never runs as root. Default: none.
         *
         * @param user {@code USER[:GROUP]}, or null for the launching user
         * @return this builder
         */
        public Builder user(String user) {
            if (user != null && (user.isBlank() || user.indexOf('\0') >= 0)) {
                throw new IllegalArgumentException("user must be USER or USER:GROUP, got " + user);
            }
            this.user = user;
            return this;
        }

        /**
         * Linux capabilities the daemon keeps as ambient capabilities when it runs as
         * {@link #user(String) another user}, named as in capabilities(7) without {@code CAP_},
         * such as {@code net_bind_service} (to bind ports below 1024). Needs {@code user}.
         * Default: none.
         *
         * @param names the capabilities' names, such as {@code net_bind_service}
         * @return this builder
         * @throws IllegalArgumentException for an unknown name, or one that would undo the
         *     switch ({@code setuid}, {@code setgid}, {@code setpcap}, {@code setfcap})
         */
        public Builder keepCaps(List<String> names) {
            List<String> out = new ArrayList<>();
            for (String name : names) {
                String n = Capabilities.normalize(Objects.requireNonNull(name, "capability name"));
                if (!out.contains(n)) {
                    out.add(n);
                }
            }
            this.keepCaps = out;
            return this;
        }

        /**
         * JVM options for the daemon's JVM only, one option an element with its value
         * ({@code -Xms4g}, {@code -javaagent:agent.jar=9404:config.yaml},
         * {@code -Dcom.sun.management.jmxremote.port=9010},
         * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}). They are placed after the launching
         * JVM's own options, before the main class, {@code -jar} or {@code -m}; relative paths in
         * them are resolved against the launching directory. Give here what acts when a JVM
         * starts (a port it listens on, an agent, a debugger, a big or pre-touched heap): on the
         * {@code java} command line it would act in the launcher too. Default: none.
         *
         * @param options the options, one element each
         * @return this builder
         * @throws IllegalArgumentException for an element that is not one JVM option, or one
         *     that names what to run ({@code -jar}, {@code -m})
         */
        public Builder jvmOptions(List<String> options) {
            List<String> out = new ArrayList<>();
            for (String option : options) {
                String refusal = JvmOptions.refusal(option);
                if (refusal != null) {
                    throw new IllegalArgumentException(refusal);
                }
                out.add(option);
            }
            this.jvmOptions = out;
            return this;
        }

        /**
         * Where the service's listening socket is bound, {@code [ADDR:]PORT}: the port alone
         * ({@code 8080}: every address, IPv6 and IPv4), a numeric IPv4 address
         * ({@code 127.0.0.1:8080}) or a numeric IPv6 address in brackets ({@code [::1]:8080});
         * port 0 lets the kernel choose. With {@code --daemon} the helper binds it before it
         * becomes {@link #user(String) user} (so a root launcher can give port 80 to a daemon
         * without capabilities) and the daemon gets it as fd 0; in the foreground the JVM binds
         * it. The service takes it from {@link Daemon#listeningChannel()}. Default: none.
         *
         * @param listen {@code [ADDR:]PORT}, or null for none
         * @return this builder
         * @throws IllegalArgumentException if it is not {@code [ADDR:]PORT} with a numeric
         *     address
         */
        public Builder listen(String listen) {
            this.listen = listen == null ? null : ListenAddress.parse(listen).spec();
            return this;
        }

        /**
         * The immutable options.
         *
         * @return the status
         * @throws IllegalStateException if capabilities are kept without a {@code user}
         */
        public DaemonOptions build() {
            if (!keepCaps.isEmpty() && user == null) {
                throw new IllegalStateException("keepCaps needs user: capabilities are kept only "
                        + "when the daemon runs as another user");
            }
            return new DaemonOptions(this);
        }
    }
}
