package io.jdaemon.internal.pidfile;

import io.jdaemon.DaemonOptions;
import io.jdaemon.internal.jvm.JvmCommandLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A launch record's text, as it is kept on disk: a first line naming the format, then
 * {@code key=value} lines with backslash, newline and carriage return escaped. Keys a later
 * version adds are ignored on reading; a record missing what a restart needs is none.
 */
final class LaunchRecordText {

    private static final String MAGIC = "jdaemon-launch-record 1";

    private LaunchRecordText() {
    }

    /** The record as text: a first line, then {@code key=value} lines, values escaped. */
    static String of(LaunchRecord r) {
        StringBuilder out = new StringBuilder(MAGIC).append('\n');
        line(out, "pidfile", r.pidFile().toString());
        line(out, "pid", Long.toString(r.pid()));
        line(out, "start", Long.toString(r.startTicks()));
        line(out, "uid", Long.toString(r.uid()));
        line(out, "name", r.options().name() == null ? "" : r.options().name());
        line(out, "user", r.options().user() == null ? "" : r.options().user());
        line(out, "keep-caps", String.join(",", r.options().keepCaps()));
        line(out, "log", r.options().logFile().toString());
        line(out, "workdir", r.options().workDir().toString());
        line(out, "umask", Integer.toOctalString(r.options().umask()));
        line(out, "sighup", r.options().sighup().name());
        line(out, "start-timeout-ms", Long.toString(r.options().startTimeout().toMillis()));
        line(out, "stop-timeout-ms", Long.toString(r.options().stopTimeout().toMillis()));
        line(out, "explicit-ready", Boolean.toString(r.options().explicitReady()));
        line(out, "startup-cache", Boolean.toString(r.options().startupCache()));
        line(out, "listen", r.options().listen() == null ? "" : r.options().listen());
        line(out, "stopping", Boolean.toString(r.stopping()));
        if (r.predecessorPid() > 0) {
            line(out, "predecessor", r.predecessorPid() + " " + r.predecessorStart());
        }
        for (String option : r.options().jvmOptions()) {
            line(out, "jvm-option", option);
        }
        line(out, "cwd", r.commandLine().cwd().toString());
        line(out, "target-start", Integer.toString(r.commandLine().targetStart()));
        line(out, "service-args-start", Integer.toString(r.commandLine().serviceArgsStart()));
        for (String arg : r.commandLine().argv()) {
            line(out, "arg", arg);
        }
        return out.toString();
    }

    /** A record from its text; null if it is not one. */
    static LaunchRecord parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(MAGIC)) {
            return null;
        }
        DaemonOptions.Builder options = DaemonOptions.builder();
        Path pidFile = null;
        long pid = 0;
        long start = -1;
        long uid = -1;
        int serviceArgsStart = -1;
        int targetStart = -1;
        Path cwd = null;
        boolean stopping = false;
        long[] predecessor = {0, -1};
        List<String> argv = new ArrayList<>();
        List<String> jvmOptions = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            int eq = lines[i].indexOf('=');
            if (eq < 0) {
                return null;
            }
            String key = lines[i].substring(0, eq);
            String value = unescape(lines[i].substring(eq + 1));
            switch (key) {
                case "pidfile":
                    pidFile = Path.of(value);
                    options.pidFile(pidFile);
                    break;
                case "pid":
                    pid = Long.parseLong(value);
                    break;
                case "start":
                    start = Long.parseLong(value);
                    break;
                case "uid":
                    uid = Long.parseLong(value);
                    break;
                case "name":
                    options.name(value);
                    break;
                case "user":
                    options.user(value.isEmpty() ? null : value);
                    break;
                case "listen":
                    options.listen(value.isEmpty() ? null : value);
                    break;
                case "keep-caps":
                    options.keepCaps(value.isEmpty() ? List.of() : Arrays.asList(value.split(",")));
                    break;
                case "log":
                    options.logFile(Path.of(value));
                    break;
                case "workdir":
                    options.workDir(Path.of(value));
                    break;
                case "umask":
                    options.umask(Integer.parseInt(value, 8));
                    break;
                case "sighup":
                    options.sighup(DaemonOptions.Sighup.valueOf(value));
                    break;
                case "start-timeout-ms":
                    options.startTimeout(Duration.ofMillis(Long.parseLong(value)));
                    break;
                case "stop-timeout-ms":
                    options.stopTimeout(Duration.ofMillis(Long.parseLong(value)));
                    break;
                case "explicit-ready":
                    options.explicitReady(Boolean.parseBoolean(value));
                    break;
                case "startup-cache":
                    options.startupCache(Boolean.parseBoolean(value));
                    break;
                case "stopping":
                    stopping = Boolean.parseBoolean(value);
                    break;
                case "predecessor":
                    String[] f = value.split(" ");
                    predecessor = new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
                    break;
                case "service-args-start":
                    serviceArgsStart = Integer.parseInt(value);
                    break;
                case "target-start":
                    targetStart = Integer.parseInt(value);
                    break;
                case "cwd":
                    cwd = Path.of(value);
                    break;
                case "jvm-option":
                    jvmOptions.add(value);
                    break;
                case "arg":
                    argv.add(value);
                    break;
                default:
                    break; // a later version's: ignored
            }
        }
        if (pidFile == null || pid <= 0 || uid < 0 || cwd == null || targetStart < 1
                || targetStart > serviceArgsStart || serviceArgsStart > argv.size()) {
            return null;
        }
        return new LaunchRecord(pidFile, pid, start, uid, options.jvmOptions(jvmOptions).build(),
                JvmCommandLine.recorded(argv, targetStart, serviceArgsStart, cwd), stopping)
                .predecessor(predecessor[0], predecessor[1]);
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else {
                out.append(c);
            }
        }
        out.append('\n');
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
