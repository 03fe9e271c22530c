package io.jdaemon.internal.cli;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.jvm.JvmOptions;
import io.jdaemon.internal.os.Capabilities;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the library's own flags in a service's arguments, applies them over the programmatic
 * defaults and strips them, keeping the service's arguments in their order. Scanning stops at
 * {@code --}, which is left in place with everything after it.
 */
public final class Flags {

    /** What the command line asks the library to do. */
    public enum Action {
        /** No {@code --daemon}: run in the foreground as if the library were not there. */
        NONE,
        /** {@code --daemon} or {@code --daemon=start}. */
        START,
        /** {@code --daemon=stop}. */
        STOP,
        /** {@code --daemon=restart}. */
        RESTART,
        /** {@code --daemon=status}. */
        STATUS,
        /** {@code --daemon=reload}. */
        RELOAD,
        /** {@code --daemon=unit}: print a systemd unit for this command line (control.SystemdUnit). */
        UNIT
    }

    /** The result of parsing: the action, the effective options and the service's arguments. */
    public static final class Parsed {
        private final Action action;
        private final DaemonOptions options;
        private final boolean force;
        private final String[] serviceArgs;
        private final List<String> given;

        Parsed(Action action, DaemonOptions options, boolean force, String[] serviceArgs,
                List<String> given) {
            this.action = action;
            this.options = options;
            this.force = force;
            this.serviceArgs = serviceArgs;
            this.given = List.copyOf(given);
        }

        /** Whether the command line gave this valued flag (such as {@code --pidfile}). */
        public boolean given(String flag) {
            return given.contains(flag);
        }

        public Action action() {
            return action;
        }

        public DaemonOptions options() {
            return options;
        }

        /** {@code --force} with stop or restart: SIGKILL after the stop timeout. */
        public boolean force() {
            return force;
        }

        /** The arguments with the library's flags removed (a fresh array). */
        public String[] serviceArgs() {
            return serviceArgs.clone();
        }
    }

    private static final String DAEMON = "--daemon";
    private static final String FORCE = "--force";
    private static final String STARTUP_CACHE = "--startup-cache";
    private static final List<String> VALUED = List.of("--pidfile", "--log", "--workdir", "--umask",
            "--sighup", "--start-timeout", "--stop-timeout", "--user", "--keep-caps", "--jvm-option",
            "--listen");

    private Flags() {
    }

    /**
     * Parses {@code args} over {@code defaults}.
     *
     * @throws DaemonException with {@link ExitStatus#USAGE} for a malformed flag
     */
    public static Parsed parse(String[] args, DaemonOptions defaults) {
        Action action = Action.NONE;
        DaemonOptions.Builder options = defaults.toBuilder();
        List<String> rest = new ArrayList<>(args.length);
        List<String> given = new ArrayList<>();
        // --jvm-option is repeated: each adds to the programmatic ones.
        List<String> jvmOptions = new ArrayList<>(defaults.jvmOptions());
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg == null) {
                continue;
            }
            if (arg.equals("--")) {
                for (int j = i; j < args.length; j++) {
                    rest.add(args[j]);
                }
                break;
            }
            if (arg.equals(DAEMON) || arg.startsWith(DAEMON + "=")) {
                action = action(arg.equals(DAEMON) ? "start" : arg.substring(DAEMON.length() + 1));
                continue;
            }
            if (arg.equals(STARTUP_CACHE)) {
                options.startupCache(true);
                given.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!VALUED.contains(name)) {
                rest.add(arg);
                continue;
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && args[i + 1] != null && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw usage(name + " needs a value: " + name + "=" + placeholder(name));
            }
            if (value.isEmpty()) {
                throw usage(name + " needs a value: " + name + "=" + placeholder(name));
            }
            if (name.equals("--jvm-option")) {
                String refusal = JvmOptions.refusal(value);
                if (refusal != null) {
                    throw usage(refusal);
                }
                jvmOptions.add(value);
            } else {
                apply(options, name, value);
            }
            given.add(name);
        }
        DaemonOptions built;
        try {
            built = options.jvmOptions(jvmOptions).build();
        } catch (IllegalStateException e) { // the only one: capabilities without a user
            throw usage("--keep-caps needs --user: capabilities are kept only when the daemon runs "
                    + "as another user (a root daemon has them all)");
        }
        // --force belongs to the library only where it means something, with stop and restart,
        // and only before "--": what follows it is the service's.
        int separator = rest.indexOf("--");
        List<String> own = separator < 0 ? rest : rest.subList(0, separator);
        boolean force = (action == Action.STOP || action == Action.RESTART) && own.contains(FORCE);
        while (force && own.remove(FORCE)) {
            // every occurrence
        }
        return new Parsed(action, built, force, rest.toArray(new String[0]), given);
    }

    /**
     * {@code args} without the library's flags, nothing checked or applied: to compare a launch
     * record's service arguments with a command's. Stops at {@code --}, as {@link #parse}.
     */
    public static List<String> strip(List<String> args) {
        List<String> rest = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                rest.addAll(args.subList(i, args.size()));
                break;
            }
            if (arg.equals(DAEMON) || arg.startsWith(DAEMON + "=") || arg.equals(FORCE)
                    || arg.equals(STARTUP_CACHE)) {
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!VALUED.contains(name)) {
                rest.add(arg);
            } else if (eq < 0 && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                i++; // its value
            }
        }
        return rest;
    }

    private static Action action(String value) {
        switch (value) {
            case "start":
                return Action.START;
            case "stop":
                return Action.STOP;
            case "restart":
                return Action.RESTART;
            case "status":
                return Action.STATUS;
            case "reload":
                return Action.RELOAD;
            case "unit":
                return Action.UNIT;
            default:
                throw usage("unknown action --daemon=" + value + "; use --daemon=start, stop, "
                        + "restart, status, reload or unit");
        }
    }

    private static void apply(DaemonOptions.Builder options, String name, String value) {
        switch (name) {
            case "--pidfile":
                options.pidFile(path(name, value));
                break;
            case "--log":
                options.logFile(path(name, value));
                break;
            case "--workdir":
                options.workDir(path(name, value));
                break;
            case "--umask":
                options.umask(umask(value));
                break;
            case "--sighup":
                options.sighup(sighup(value));
                break;
            case "--start-timeout":
                options.startTimeout(seconds(name, value));
                break;
            case "--stop-timeout":
                options.stopTimeout(seconds(name, value));
                break;
            case "--user":
                if (value.indexOf('\0') >= 0) {
                    throw usage("--user value has a NUL character; give USER or USER:GROUP");
                }
                options.user(value);
                break;
            case "--keep-caps":
                options.keepCaps(Capabilities.parseList(name, value));
                break;
            case "--listen":
                try {
                    options.listen(value);
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
                break;
            default:
                throw new IllegalStateException(name);
        }
    }

    private static Path path(String name, String value) {
        if (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0) {
            throw usage(name + " value has a NUL or newline character; give a plain path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw usage(name + "=" + value + " is not a valid path: " + e.getReason());
        }
    }

    static int umask(String value) {
        if (!isOctalMask(value)) {
            throw usage("--umask=" + value + " is not an octal mask; use up to 3 octal digits, "
                    + "such as 022 or 027");
        }
        return Integer.parseInt(value, 8);
    }

    private static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Up to three octal digits, or four with a leading 0: {@code 0?[0-7]{1,3}}. */
    private static boolean isOctalMask(String value) {
        String digits = value.length() == 4 && value.charAt(0) == '0' ? value.substring(1) : value;
        if (digits.isEmpty() || digits.length() > 3) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private static DaemonOptions.Sighup sighup(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "default":
                return DaemonOptions.Sighup.DEFAULT;
            case "ignore":
                return DaemonOptions.Sighup.IGNORE;
            case "reload":
                return DaemonOptions.Sighup.RELOAD;
            default:
                throw usage("--sighup=" + value + " is not a policy; use --sighup=default, "
                        + "--sighup=ignore or --sighup=reload");
        }
    }

    private static Duration seconds(String name, String value) {
        if (value.isEmpty() || value.length() > 9 || !isDigits(value) || Long.parseLong(value) == 0) {
            throw usage(name + "=" + value + " is not a whole number of seconds above 0; "
                    + "use, for example, " + name + "=60");
        }
        return Duration.ofSeconds(Long.parseLong(value));
    }

    private static String placeholder(String name) {
        switch (name) {
            case "--umask":
                return "OCTAL";
            case "--sighup":
                return "default|ignore|reload";
            case "--start-timeout":
            case "--stop-timeout":
                return "SECONDS";
            case "--workdir":
                return "DIR";
            case "--user":
                return "USER[:GROUP]";
            case "--keep-caps":
                return "net_bind_service[,...]";
            case "--jvm-option":
                return "OPTION";
            case "--listen":
                return "[ADDR:]PORT";
            default:
                return "PATH";
        }
    }

    private static DaemonException usage(String message) {
        return new DaemonException(message, ExitStatus.USAGE);
    }
}
