package io.jdaemon.internal.jvm;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.os.Processes;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The exact command line of this JVM, rebuilt so that the same JVM can be executed again from
 * another working directory: the executable from {@code /proc/self/exe}, the raw arguments from
 * {@code /proc/self/cmdline} (never {@code RuntimeMXBean}, whose arguments include
 * {@code JAVA_TOOL_OPTIONS} and would apply them twice), argument files expanded, and every path
 * the JVM itself reads (class path, {@code -jar}, module paths, agents, ...) made absolute.
 */
public final class JvmCommandLine {

    /** Launcher options whose value is the next argument (as the {@code java} launcher has them). */
    public static final Set<String> SPACED = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--enable-native-access",
            "--limit-modules", "--add-exports", "--add-opens", "--add-reads", "--patch-module",
            "--source", "-d", "--describe-module");
    /** Options that name what the JVM runs, or make it run nothing. */
    public static final Set<String> TARGETS = Set.of("-jar", "-m", "--module", "--source",
            "--describe-module", "-d", "--dry-run", "-version", "--version", "-help", "--help",
            "-h", "-?", "--list-modules", "--validate-modules", "-showversion",
            "--show-version", "-X", "--help-extra");

    private final List<String> argv;
    /** {@link #argv} as the JVM reads it: without the {@code @} escapes for the java launcher. */
    private final List<String> unescaped;
    private final int targetStart;
    private final int serviceArgsStart;
    private final Path cwd;

    JvmCommandLine(List<String> argv, List<String> unescaped, int targetStart,
            int serviceArgsStart, Path cwd) {
        this.argv = List.copyOf(argv);
        this.unescaped = List.copyOf(unescaped);
        this.targetStart = targetStart;
        this.serviceArgsStart = serviceArgsStart;
        this.cwd = cwd;
    }

    /**
     * A command line as a launch record holds it ({@code LaunchRecord}): {@code argv} as
     * {@link #argv()} gave it, what the JVM runs from {@code targetStart} on, the service's
     * arguments from {@code serviceArgsStart} on, paths resolved against {@code cwd}.
     */
    public static JvmCommandLine recorded(List<String> argv, int targetStart, int serviceArgsStart, Path cwd) {
        if (targetStart < 1 || targetStart > serviceArgsStart || serviceArgsStart > argv.size()) {
            throw new IllegalArgumentException("not a command line: " + targetStart + ", "
                    + serviceArgsStart + ", " + argv.size());
        }
        return new JvmCommandLine(argv, unescape(argv, targetStart), targetStart, serviceArgsStart, cwd);
    }

    /**
     * {@code argv} as the JVM reads it: the options' {@code @@x} (written so that the java
     * launcher keeps {@code @x} literal) back to {@code @x}, until {@code --disable-@files}.
     */
    private static List<String> unescape(List<String> argv, int targetStart) {
        List<String> out = new ArrayList<>(argv);
        for (int i = 1; i < targetStart; i++) {
            if (argv.get(i).equals("--disable-@files")) {
                break;
            }
            if (argv.get(i).startsWith("@@")) {
                out.set(i, argv.get(i).substring(1));
            }
        }
        return out;
    }

    /** Where the main class, {@code -jar FILE} or {@code -m MODULE} begins in {@link #argv()}. */
    public int targetStart() {
        return targetStart;
    }

    /** The directory the JVM's relative paths were resolved against. */
    public Path cwd() {
        return cwd;
    }

    /** Where the service's arguments begin in {@link #argv()}. */
    public int serviceArgsStart() {
        return serviceArgsStart;
    }

    /** The arguments, the first being the absolute path of the JVM executable. */
    public List<String> argv() {
        return argv;
    }

    /** The service's arguments: those after the main class, {@code -jar FILE} or {@code -m MODULE}. */
    public List<String> serviceArgs() {
        return argv.subList(serviceArgsStart, argv.size());
    }

    /**
     * The JVM's own options: those between the executable and the main class, {@code -jar FILE}
     * or {@code -m MODULE} (after argument files are expanded).
     */
    public List<String> jvmOptions() {
        return argv.subList(1, targetStart);
    }

    /**
     * This command line with {@code options} added after the JVM's own options, just before the
     * main class, {@code -jar FILE} or {@code -m MODULE} (so that they win over an earlier
     * setting), their paths made absolute as the launcher's own are. For the daemon's JVM only:
     * {@code --jvm-option}.
     */
    public JvmCommandLine withJvmOptions(List<String> options) {
        if (options.isEmpty()) {
            return this;
        }
        List<String> out = new ArrayList<>(argv.size() + options.size());
        List<String> read = new ArrayList<>(argv.size() + options.size());
        out.addAll(argv.subList(0, targetStart));
        read.addAll(unescaped.subList(0, targetStart));
        for (String option : options) {
            out.add(CommandLineParser.absoluteOption(option, cwd));
            read.add(CommandLineParser.absoluteOption(option, cwd));
        }
        out.addAll(argv.subList(targetStart, argv.size()));
        read.addAll(unescaped.subList(targetStart, unescaped.size()));
        return new JvmCommandLine(out, read, targetStart + options.size(),
                serviceArgsStart + options.size(), cwd);
    }

    /**
     * The JVM's options (those before the main class, {@code -jar FILE} or {@code -m MODULE}),
     * without any {@code -Dproperty} or {@code -Dproperty=value}, as the JVM reads them: the
     * content of the daemon's private argument file.
     */
    public List<String> options(String property) {
        List<String> out = new ArrayList<>(targetStart);
        for (String arg : unescaped.subList(1, targetStart)) {
            if (!(arg.equals("-D" + property) || arg.startsWith("-D" + property + "="))) {
                out.add(arg);
            }
        }
        return out;
    }

    /**
     * The daemon's command line: the executable, {@code -Dproperty=value}, {@code @argFile}
     * standing for the JVM's options (null: none), then the main class, {@code -jar FILE} or
     * {@code -m MODULE} and the service's arguments. So {@code /proc/PID/cmdline} and
     * {@code ps} show the argument file's name, not the options (passwords in {@code -D}, a
     * long class path), and a class path too long for {@code execve} still runs.
     */
    public List<String> withPropertyAndArgFile(String property, String value, String argFile) {
        List<String> out = new ArrayList<>(argv.size() - targetStart + 3);
        out.add(argv.get(0));
        out.add("-D" + property + "=" + value);
        if (argFile != null) {
            out.add("@" + argFile);
        }
        out.addAll(argv.subList(targetStart, argv.size()));
        return out;
    }

    /** This argv with {@code -Dproperty=value} as the first option (any earlier one removed). */
    public List<String> withProperty(String property, String value) {
        List<String> out = new ArrayList<>(argv.size() + 1);
        out.add(argv.get(0));
        out.add("-D" + property + "=" + value);
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (i >= serviceArgsStart
                    || !(arg.equals("-D" + property) || arg.startsWith("-D" + property + "="))) {
                out.add(arg);
            }
        }
        return out;
    }

    /**
     * This JVM's command line.
     *
     * @throws DaemonException if the platform does not show it
     */
    public static JvmCommandLine current() {
        return of(Processes.selfPid());
    }

    /**
     * Rebuilds a raw command line ({@link CommandLineParser#parse}): {@code raw.get(0)} is
     * replaced by {@code exe}, argument files expanded, the JVM's own paths made absolute.
     */
    public static JvmCommandLine parse(String exe, List<String> raw, Path cwd) throws IOException {
        return CommandLineParser.parse(exe, raw, cwd);
    }

    /**
     * The command line of the JVM with this PID, from /proc where there is one.
     *
     * @throws DaemonException if the platform does not show it
     */
    public static JvmCommandLine of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            Path cmdline = proc.resolve("cmdline");
            if (Files.isReadable(cmdline)) {
                Charset cs = nativeCharset();
                List<String> raw = new ArrayList<>();
                byte[] bytes;
                // FileInputStream (start-up rule: see StartupRulesIT).
                try (FileInputStream in = new FileInputStream(cmdline.toFile())) {
                    bytes = in.readAllBytes();
                }
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == 0) {
                        raw.add(new String(bytes, start, i - start, cs));
                        start = i + 1;
                    }
                }
                String exe = Files.readSymbolicLink(proc.resolve("exe")).toString();
                Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
                return parse(exe, raw, cwd);
            }
            Optional<ProcessHandle.Info> info = ProcessHandle.of(pid).map(ProcessHandle::info);
            Optional<String> command = info.flatMap(ProcessHandle.Info::command);
            Optional<String[]> args = info.flatMap(ProcessHandle.Info::arguments);
            if (command.isPresent() && args.isPresent()) {
                List<String> raw = new ArrayList<>();
                raw.add(command.get());
                raw.addAll(Arrays.asList(args.get()));
                return parse(command.get(), raw, Path.of("").toAbsolutePath());
            }
        } catch (IOException e) {
            throw new DaemonException("cannot read the command line of process " + pid + " from "
                    + proc + ": " + e + "; daemon mode needs /proc mounted", ExitStatus.UNSUPPORTED, e);
        }
        throw new DaemonException("cannot read the command line of process " + pid + ": no " + proc
                + "/cmdline and the OS does not report the arguments; daemon mode needs /proc mounted",
                ExitStatus.UNSUPPORTED);
    }

    static Charset nativeCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
