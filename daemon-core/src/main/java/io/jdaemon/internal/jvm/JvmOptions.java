package io.jdaemon.internal.jvm;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.handshake.Handshake;
import io.jdaemon.internal.os.ListeningPorts;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM options that act when a JVM starts, and so act twice under {@code --daemon}: once in the
 * launching JVM and again in the daemon's, which runs the same command line. Checks the options
 * given to the daemon alone ({@code --jvm-option}); refuses a debugger server on the {@code java}
 * command line or the JMX agent's port; and names the option behind a port the launcher holds
 * when the daemon could not listen there (an agent's).
 */
public final class JvmOptions {

    /** The property that starts the JMX agent's remote connector at JVM start. */
    private static final String JMX_PORT = "com.sun.management.jmxremote.port";

    /** Compiled at first use, off the usual start (start-up rule: see StartupRulesIT). */
    private static final class Patterns {
        /** What a log says when a listening port was taken (Java, the JDK's jdwp, native agents). */
        static final Pattern BIND_FAILURE = Pattern.compile(
                "BindException|already in use|bind failed", Pattern.CASE_INSENSITIVE);
        static final Pattern JDWP_ADDRESS = Pattern.compile("(?:^|[,:=])address=(?:[^,]*:)?(\\d+)(?:,|$)");
    }

    private JvmOptions() {
    }

    /**
     * Why {@code option} cannot be given to the daemon's JVM alone ({@code --jvm-option}), or null
     * if it can: it must be one JVM option with its value in the same argument, and not one that
     * names what to run.
     */
    public static String refusal(String option) {
        if (option == null || option.isEmpty() || option.charAt(0) != '-' || option.indexOf('\0') >= 0) {
            return "--jvm-option=" + option + " is not a JVM option; give one option that starts "
                    + "with -, such as --jvm-option=-Xmx2g";
        }
        String name = option.indexOf('=') > 0 ? option.substring(0, option.indexOf('=')) : option;
        if (JvmCommandLine.TARGETS.contains(name) || option.startsWith("-D" + Handshake.MARKER)) {
            return "--jvm-option=" + option + " cannot be given to the daemon alone: the daemon runs "
                    + "what the java command line runs; put it on the java command line";
        }
        if (JvmCommandLine.SPACED.contains(option)) {
            String joined = option.startsWith("--") ? option
                    : option.equals("-p") ? "--module-path" : "--class-path";
            return "--jvm-option=" + option + " needs its value in the same argument; write "
                    + "--jvm-option=" + joined + "=VALUE";
        }
        return null;
    }

    /**
     * Refuses to start a daemon while the launcher's own command line listens on a fixed port
     * when the JVM starts: a debugger server ({@code -agentlib:jdwp=...server=y,address=PORT})
     * or the JMX agent ({@code -Dcom.sun.management.jmxremote.port=PORT}). The launcher listens
     * there, and the daemon, running the same options, could not. (The JDK offers no way to stop
     * either in-process: {@code ManagementAgent.stop} is not among the diagnostic commands its
     * MBean exposes.)
     *
     * @throws DaemonException naming the option and {@code --jvm-option}
     */
    public static void refuseListeningOptions(List<String> launcherOptions) {
        for (String option : launcherOptions) {
            String settings = option.startsWith("-agentlib:jdwp=") ? option.substring(15)
                    : option.startsWith("-Xrunjdwp:") ? option.substring(10) : null;
            if (settings == null || !("," + settings + ",").contains(",server=y,")) {
                continue;
            }
            Matcher address = Patterns.JDWP_ADDRESS.matcher(settings);
            if (address.find() && !isZero(address.group(1))) {
                throw listening(option, "a debugger", address.group(1));
            }
        }
        String jmxPort = System.getProperty(JMX_PORT);
        if (jmxPort != null && !isZero(jmxPort.trim())) {
            String option = null;
            for (String o : launcherOptions) {
                if (o.startsWith("-D" + JMX_PORT + "=")) {
                    option = o; // the last one wins, as in the JVM
                }
            }
            if (option == null) {
                throw new DaemonException(JMX_PORT + "=" + jmxPort + " (from JAVA_TOOL_OPTIONS or "
                        + "JDK_JAVA_OPTIONS) starts JMX in this launcher, on port " + jmxPort
                        + ", where the daemon could not listen again; unset it there and give it to the "
                        + "daemon only: --jvm-option=-D" + JMX_PORT + "=" + jmxPort, ExitStatus.USAGE);
            }
            throw listening(option, "JMX", jmxPort);
        }
    }

    private static DaemonException listening(String option, String what, String port) {
        return new DaemonException(option + " on the java command line starts " + what + " in this "
                + "launcher, on port " + port + ", where the daemon could not listen again; give it to "
                + "the daemon only: --jvm-option=" + option, ExitStatus.USAGE);
    }

    private static boolean isZero(String number) {
        for (int i = 0; i < number.length(); i++) {
            if (number.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    /**
     * Why the daemon failed, when it failed for a port this launcher holds: the daemon's log
     * ({@code logText}, null when there is none) says that a port was in use, or cannot say, and
     * this launcher listens on one. The option on the command line that names the port is given,
     * with the fix. Null otherwise.
     */
    public static String heldPort(List<String> launcherOptions, String logText) {
        if (logText != null && !Patterns.BIND_FAILURE.matcher(logText).find()) {
            return null;
        }
        Set<Integer> ports = ListeningPorts.ofThisProcess();
        if (ports.isEmpty()) {
            return null;
        }
        for (int port : ports) {
            Pattern number = Pattern.compile("(?<![0-9])" + port + "(?![0-9])");
            for (String option : launcherOptions) {
                if (number.matcher(option).find()) {
                    return "the daemon could not listen on port " + port + ": this launcher holds it, "
                            + "started by " + option + " on the java command line, which acts in the "
                            + "launcher and again in the daemon; give it to the daemon only: "
                            + "--jvm-option=" + option;
                }
            }
        }
        String list = ports.toString().replace("[", "").replace("]", "");
        return "the daemon could not listen on a port this launcher holds (" + list
                + "), started by an option on the java command line (an agent, JMX or a debugger) "
                + "that acts in the launcher and again in the daemon; give that option to the daemon "
                + "only with --jvm-option=OPTION";
    }
}
