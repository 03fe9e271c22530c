package io.jdaemon.internal.launch;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.handshake.Handshake;
import io.jdaemon.internal.os.Processes;
import java.io.File;
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
    static final Set<String> SPACED = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--enable-native-access",
            "--limit-modules", "--add-exports", "--add-opens", "--add-reads", "--patch-module",
            "--source", "-d", "--describe-module");
    /** Options that name what the JVM runs, or make it run nothing. */
    static final Set<String> TARGETS = Set.of("-jar", "-m", "--module", "--source",
            "--describe-module", "-d", "--dry-run", "-version", "--version", "-help", "--help",
            "-h", "-?", "--list-modules", "--validate-modules", "-showversion",
            "--show-version", "-X", "--help-extra");
    private static final Set<String> PATH_LISTS =
            Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path");
    private static final List<String> PATH_PREFIXES = List.of("-javaagent:", "-agentpath:",
            "-Xbootclasspath/a:", "-splash:", "-XX:Flags=", "-XX:VMOptionsFile=",
            "-Djava.library.path=");

    private final List<String> argv;
    /** {@link #argv} as the JVM reads it: without the {@code @} escapes for the java launcher. */
    private final List<String> unescaped;
    private final int targetStart;
    private final int serviceArgsStart;
    private final Path cwd;

    private JvmCommandLine(List<String> argv, List<String> unescaped, int targetStart,
            int serviceArgsStart, Path cwd) {
        this.argv = List.copyOf(argv);
        this.unescaped = List.copyOf(unescaped);
        this.targetStart = targetStart;
        this.serviceArgsStart = serviceArgsStart;
        this.cwd = cwd;
    }

    /**
     * A command line as a launch record holds it ({@link LaunchRecord}): {@code argv} as
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
            out.add(absoluteOption(option, cwd));
            read.add(absoluteOption(option, cwd));
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

    /**
     * Rebuilds a raw command line: {@code raw.get(0)} is replaced by {@code exe}, argument files
     * are expanded and the JVM's own paths are resolved against {@code cwd}. The service's
     * arguments (after the main class, {@code -jar FILE} or {@code -m MODULE}) stay verbatim.
     */
    public static JvmCommandLine parse(String exe, List<String> raw, Path cwd) throws IOException {
        Tokens in = new Tokens(raw.subList(Math.min(1, raw.size()), raw.size()), cwd);
        List<String> out = new ArrayList<>(raw.size() + 1);
        List<String> read = new ArrayList<>(raw.size() + 1); // out as the JVM reads it
        out.add(exe);
        read.add(exe);
        int targetStart = -1;
        while (in.hasNext()) {
            targetStart = out.size();
            String arg = in.next();
            if (arg.startsWith("-D" + Handshake.MARKER + "=")) {
                // A daemon's own command line: its private argument file (gone once its JVM
                // read it) is not expanded again.
                in.privateArgFile = "@" + Path.of(arg.substring(arg.indexOf('=') + 1))
                        .resolve(Handshake.JVM_OPTIONS);
                continue;
            }
            if (arg.equals("--disable-@files")) {
                add(out, read, arg, arg);
                in.expand = false;
            } else if (arg.equals("-jar")) {
                add(out, read, arg, arg);
                String jar = absolute(cwd, in.next());
                add(out, read, jar, jar);
                break;
            } else if (arg.equals("-m") || arg.equals("--module") || arg.startsWith("--module=")) {
                add(out, read, in.escape(arg), arg);
                if (!arg.startsWith("--module=")) {
                    String module = in.next();
                    add(out, read, in.escape(module), module);
                }
                break;
            } else if (SPACED.contains(arg)) {
                add(out, read, arg, arg);
                String value = valueOf(arg, in.next(), cwd);
                add(out, read, in.escape(value), value);
            } else if (arg.startsWith("-")) {
                String option = absoluteOption(arg, cwd);
                add(out, read, option, option);
            } else {
                // The main class, or a source file in source-file mode.
                String main = arg.endsWith(".java") ? absolute(cwd, arg) : arg;
                add(out, read, in.escape(main), main);
                break;
            }
        }
        if (targetStart < 0 || targetStart >= out.size() || out.get(targetStart).startsWith("-")
                && !isTarget(out.get(targetStart))) {
            targetStart = out.size(); // options only: nothing names what to run
        }
        int serviceArgsStart = out.size();
        out.addAll(in.rest());
        read.addAll(in.rest());
        return new JvmCommandLine(out, read, targetStart, serviceArgsStart, cwd);
    }

    private static void add(List<String> out, List<String> read, String forLauncher, String forJvm) {
        out.add(forLauncher);
        read.add(forJvm);
    }

    /**
     * The launcher's arguments as the {@code java} launcher reads them: an argument {@code @FILE}
     * (an option or an option's value) is replaced by the arguments in FILE, {@code @@x} stands
     * for a literal {@code @x}, until {@code --disable-@files}.
     */
    private static final class Tokens {
        private final List<String> list;
        private final Path cwd;
        private int next;
        boolean expand = true;
        /** {@code @FILE} of a daemon's private argument file, dropped unread; null if none seen. */
        String privateArgFile;

        Tokens(List<String> raw, Path cwd) {
            this.list = new ArrayList<>(raw);
            this.cwd = cwd;
        }

        boolean hasNext() throws IOException {
            while (next < list.size() && expand && isArgFile(list.get(next))) {
                String file = list.remove(next).substring(1);
                if (("@" + file).equals(privateArgFile)) {
                    continue;
                }
                list.addAll(next, ArgFiles.tokens(Files.readString(resolve(cwd, file), nativeCharset())));
            }
            return next < list.size();
        }

        String next() throws IOException {
            if (!hasNext()) {
                throw new IOException("the command line ends where an option needs a value: "
                        + list);
            }
            String arg = list.get(next++);
            return expand && arg.startsWith("@@") ? arg.substring(1) : arg;
        }

        /** A literal argument, written so that the launcher reading it again keeps it literal. */
        String escape(String arg) {
            return expand && arg.startsWith("@") ? "@" + arg : arg;
        }

        /** The service's arguments: never expanded by the launcher. */
        List<String> rest() {
            return list.subList(next, list.size());
        }

        private static boolean isArgFile(String arg) {
            return arg.startsWith("@") && !arg.startsWith("@@");
        }
    }

    private static String valueOf(String option, String value, Path cwd) {
        if (PATH_LISTS.contains(option)) {
            return absoluteList(cwd, value);
        }
        if (option.equals("--patch-module") && value.indexOf('=') > 0) {
            int eq = value.indexOf('=');
            return value.substring(0, eq + 1) + absoluteList(cwd, value.substring(eq + 1));
        }
        return value;
    }

    /** Whether {@code arg} names what to run: {@code -jar}, {@code -m}, {@code --module[=]}. */
    private static boolean isTarget(String arg) {
        return arg.equals("-jar") || arg.equals("-m") || arg.equals("--module")
                || arg.startsWith("--module=");
    }

    /** A one-argument JVM option with the paths it names made absolute. */
    private static String absoluteOption(String arg, Path cwd) {
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0 && SPACED.contains(arg.substring(0, eq))) {
            String name = arg.substring(0, eq);
            return name + "=" + valueOf(name, arg.substring(eq + 1), cwd);
        }
        return prefixedPath(arg, cwd);
    }

    private static String prefixedPath(String arg, Path cwd) {
        for (String prefix : PATH_PREFIXES) {
            if (arg.startsWith(prefix)) {
                String rest = arg.substring(prefix.length());
                if (prefix.startsWith("-Xbootclasspath") || prefix.equals("-Djava.library.path=")) {
                    return prefix + absoluteList(cwd, rest);
                }
                // -javaagent:PATH=OPTIONS and -agentpath:PATH=OPTIONS: only the path part.
                int eq = prefix.endsWith(":") ? rest.indexOf('=') : -1;
                String path = eq < 0 ? rest : rest.substring(0, eq);
                String options = eq < 0 ? "" : rest.substring(eq);
                return prefix + absolute(cwd, path) + options;
            }
        }
        return arg;
    }

    private static String absoluteList(Path cwd, String list) {
        String[] parts = list.split(File.pathSeparator, -1);
        for (int k = 0; k < parts.length; k++) {
            parts[k] = absolute(cwd, parts[k]);
        }
        return String.join(File.pathSeparator, parts);
    }

    /** An absolute form of {@code path}; an empty entry (the current directory) becomes cwd. */
    private static String absolute(Path cwd, String path) {
        if (path.isEmpty() || path.equals(".")) {
            return cwd.toString();
        }
        if (path.startsWith("/")) {
            return path;
        }
        String dir = cwd.toString();
        return (dir.endsWith("/") ? dir : dir + "/") + path;
    }

    private static Path resolve(Path cwd, String path) {
        return Path.of(absolute(cwd, path));
    }

    private static Charset nativeCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
