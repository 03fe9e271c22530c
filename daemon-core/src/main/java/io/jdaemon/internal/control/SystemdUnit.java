package io.jdaemon.internal.control;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.jvm.JvmCommandLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --daemon=unit}: writes a systemd {@code Type=notify} unit that starts the service as this
 * command line would, with what the flags asked for moved into the unit's own settings
 * ({@code User=}, {@code AmbientCapabilities=}, {@code WorkingDirectory=}, {@code UMask=}, the
 * timeouts, the log) and the command line rebuilt as the launcher rebuilds it, quoted for
 * systemd.
 */
public final class SystemdUnit {

    private SystemdUnit() {
    }

    /**
     * The unit for the command line of this JVM.
     *
     * @param defaults the service's programmatic defaults (what a flag did not override)
     * @param parsed the parsed command line ({@code --daemon=unit} and the flags)
     * @param jvm this JVM's rebuilt command line
     * @param name the service's name, for {@code Description=}
     * @param environment the launching environment (for the JVM's option variables)
     * @throws DaemonException with {@link ExitStatus#USAGE} for a value a unit cannot hold
     */
    public static String of(DaemonOptions defaults, Flags.Parsed parsed, JvmCommandLine jvm, String name,
            Map<String, String> environment) {
        DaemonOptions options = parsed.options();
        StringBuilder unit = new StringBuilder();
        line(unit, "# " + single("the service's name", name) + ": a systemd unit written by "
                + "--daemon=unit from the command line it was given.");
        unit.append("# Install: save it as /etc/systemd/system/NAME.service, then\n"
                + "#   systemctl daemon-reload && systemctl enable --now NAME\n");
        unit.append("[Unit]\n");
        line(unit, "Description=" + specifiers(single("the service's name", name)));
        unit.append("After=network.target\n\n");

        unit.append("[Service]\n");
        // systemd starts the process and supervises it: the service stays in the foreground
        // (no --daemon) and sends READY=1, RELOADING=1 and STOPPING=1 to NOTIFY_SOCKET.
        unit.append("Type=notify\nNotifyAccess=main\n");
        List<String> argv = commandLine(defaults, parsed, jvm);
        unit.append("ExecStart=").append(executable(argv.get(0)));
        for (int i = 1; i < argv.size(); i++) {
            unit.append(" \\\n    ").append(quote(argv.get(i), true));
        }
        unit.append('\n');
        for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                // The launcher's JVM read these, and its daemon would have inherited them.
                unit.append("Environment=").append(quote(variable + "=" + value, false))
                        .append('\n');
            }
        }
        if (options.sighup() == DaemonOptions.Sighup.RELOAD) {
            unit.append("ExecReload=/bin/kill -HUP $MAINPID\n");
        }
        // The JVM exits with 143 after its shutdown hooks when systemd stops it with SIGTERM.
        unit.append("SuccessExitStatus=143\n");
        if (options.user() != null) {
            String user = single("--user", options.user());
            int colon = user.indexOf(':');
            line(unit, "User=" + specifiers(colon < 0 ? user : user.substring(0, colon)));
            if (colon >= 0) {
                line(unit, "Group=" + specifiers(user.substring(colon + 1)));
            }
        }
        if (!options.keepCaps().isEmpty()) {
            List<String> caps = new ArrayList<>();
            for (String cap : options.keepCaps()) {
                caps.add("CAP_" + cap.toUpperCase(Locale.ROOT));
            }
            String list = String.join(" ", caps);
            unit.append("AmbientCapabilities=").append(list).append('\n');
            unit.append("CapabilityBoundingSet=").append(list).append('\n');
        }
        line(unit, "WorkingDirectory=" + path("--workdir", options.workDir()));
        unit.append("UMask=").append(String.format("%04o", options.umask())).append('\n');
        unit.append("TimeoutStartSec=").append(options.startTimeout().getSeconds()).append('\n');
        unit.append("TimeoutStopSec=").append(options.stopTimeout().getSeconds()).append('\n');
        if (!options.logFile().toString().equals("/dev/null")) {
            // systemd opens the log (appending); stderr follows stdout.
            line(unit, "StandardOutput=append:" + path("--log", options.logFile()));
        }
        unit.append("\n[Install]\nWantedBy=multi-user.target\n");
        return unit.toString();
    }

    /**
     * The service's command line in the unit: this JVM's (its options and those of
     * {@code --jvm-option}, the class path or jar and the main class, paths absolute), then
     * {@code --pidfile} if there is one, given or a default in code (a service in the foreground
     * writes its pidfile only when the flag is given), and {@code --sighup} and {@code --listen}
     * if given (the service still honours them), then the service's arguments without the library's flags.
     */
    static List<String> commandLine(DaemonOptions defaults, Flags.Parsed parsed,
            JvmCommandLine jvm) {
        DaemonOptions options = parsed.options();
        // --jvm-option's options, which the daemon's JVM would run with, before the main class.
        JvmCommandLine service = jvm.withJvmOptions(options.jvmOptions());
        List<String> argv = new ArrayList<>(service.argv().subList(0,
                service.argv().size() - service.serviceArgs().size()));
        if (options.pidFile() != null) {
            argv.add("--pidfile=" + options.pidFile().toAbsolutePath().normalize());
        }
        if (parsed.given("--sighup")) {
            argv.add("--sighup=" + options.sighup().name().toLowerCase(Locale.ROOT));
        }
        if (parsed.given("--listen")) {
            // The service in the foreground binds it (a socket unit would let systemd bind it,
            // docs/SOCKETS.md; then --listen gives way to systemd's socket).
            argv.add("--listen=" + options.listen());
        }
        // The command line's own arguments (those main received may have been changed by main),
        // without the library's flags: the unit's settings replace them.
        String[] fromCommandLine = jvm.serviceArgs().toArray(new String[0]);
        for (String arg : Flags.parse(fromCommandLine, defaults).serviceArgs()) {
            argv.add(arg);
        }
        return argv;
    }

    /**
     * One word of an {@code ExecStart=} line ({@code exec} true) or one {@code Environment=}
     * assignment, as systemd.service(5) reads it: {@code %} doubled (specifiers), {@code $}
     * doubled on command lines (variable expansion), and a word with a blank, a quote, a
     * backslash, a control character, or that is empty or a lone {@code ;}, double-quoted with
     * C-style escapes.
     */
    static String quote(String word, boolean exec) {
        boolean quoted = word.isEmpty() || word.equals(";");
        StringBuilder out = new StringBuilder(word.length() + 2);
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            switch (c) {
                case '%':
                    out.append("%%");
                    break;
                case '$':
                    out.append(exec ? "$$" : "$");
                    break;
                case '\\':
                    out.append("\\\\");
                    quoted = true;
                    break;
                case '"':
                    out.append("\\\"");
                    quoted = true;
                    break;
                case '\'':
                    out.append("\\'");
                    quoted = true;
                    break;
                case ' ':
                    out.append(' ');
                    quoted = true;
                    break;
                case '\n':
                    out.append("\\n");
                    quoted = true;
                    break;
                case '\t':
                    out.append("\\t");
                    quoted = true;
                    break;
                case '\r':
                    out.append("\\r");
                    quoted = true;
                    break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                        quoted = true;
                    } else {
                        out.append(c);
                    }
            }
        }
        return quoted ? "\"" + out + "\"" : out.toString();
    }

    /**
     * ExecStart's executable: systemd expands no variable in it and refuses quotes, backslashes
     * and control characters in it, so it is only quoted (for a blank) with its {@code %} doubled.
     */
    static String executable(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\') {
                throw new DaemonException("the JVM's path " + path + " has a quote, a backslash or "
                        + "a control character, which systemd refuses in ExecStart's executable; "
                        + "run java through a path without them (a symlink)", ExitStatus.USAGE);
            }
        }
        String escaped = specifiers(path);
        return path.indexOf(' ') >= 0 ? "\"" + escaped + "\"" : escaped;
    }

    /** {@code %} doubled: the value of a setting that expands specifiers, used as is. */
    static String specifiers(String value) {
        return value.replace("%", "%%");
    }

    /** An absolute, normalized path for a path setting, its {@code %} doubled. */
    private static String path(String flag, Path path) {
        return specifiers(single(flag, path.toAbsolutePath().normalize().toString()));
    }

    /**
     * The value, refused if it has a control character: a unit's setting is one line, and a
     * newline in it would start another setting.
     */
    private static String single(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new DaemonException(what + " has a control character (" + String.format(
                        "0x%02x", (int) c) + "), which a systemd unit's setting cannot hold; "
                        + "give a plain value", ExitStatus.USAGE);
            }
        }
        return value;
    }

    private static void line(StringBuilder unit, String text) {
        unit.append(text).append('\n');
    }
}
