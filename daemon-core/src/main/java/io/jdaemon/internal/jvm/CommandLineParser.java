package io.jdaemon.internal.jvm;

import io.jdaemon.internal.handshake.ArgFiles;
import io.jdaemon.internal.handshake.Handshake;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a JVM command line as the {@code java} launcher does: argument files expanded, what it
 * runs found, the JVM's own paths made absolute, the service's arguments left verbatim.
 */
final class CommandLineParser {

    private static final List<String> PATH_PREFIXES = List.of("-javaagent:", "-agentpath:",
            "-Xbootclasspath/a:", "-splash:", "-XX:Flags=", "-XX:VMOptionsFile=",
            "-Djava.library.path=");
    private static final Set<String> PATH_LISTS =
            Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path");

    /**
     * Rebuilds a raw command line: {@code raw.get(0)} is replaced by {@code exe}, argument files
     * are expanded and the JVM's own paths are resolved against {@code cwd}. The service's
     * arguments (after the main class, {@code -jar FILE} or {@code -m MODULE}) stay verbatim.
     */
    static JvmCommandLine parse(String exe, List<String> raw, Path cwd) throws IOException {
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
            } else if (JvmCommandLine.SPACED.contains(arg)) {
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
                list.addAll(next, ArgFiles.tokens(Files.readString(resolve(cwd, file),
                        JvmCommandLine.nativeCharset())));
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
    static String absoluteOption(String arg, Path cwd) {
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0
                && JvmCommandLine.SPACED.contains(arg.substring(0, eq))) {
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

    private CommandLineParser() {
    }
}
