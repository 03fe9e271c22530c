package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a small jar in a test's own directory from Java sources given as text: compiled with the
 * JDK's compiler against the given class or module path, packed with the given manifest entries.
 */
final class TestJars {

    private TestJars() {
    }

    /**
     * Compiles {@code sources} (file name, relative to the source root, to text) into
     * {@code jar} with the JDK's {@code jar} tool ({@code --main-class} when {@code mainClass} is
     * not null, which also records a module's main class). {@code options} go to javac
     * ({@code -cp ...}, {@code -p ...}).
     */
    static Path build(Path workDir, Path jar, Map<String, String> sources, Map<String, String> manifest,
            String mainClass, String... options) throws IOException {
        String name = jar.getFileName().toString();
        Path src = Files.createDirectories(workDir.resolve("src-" + name));
        Path classes = Files.createDirectories(workDir.resolve("classes-" + name));
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("-d", classes.toString(), "-nowarn"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(new String[0])))
                .as("javac %s (its errors above)", args).isZero();
        StringBuilder mf = new StringBuilder();
        manifest.forEach((k, v) -> mf.append(k).append(": ").append(v).append("\n"));
        Path mfFile = Files.writeString(workDir.resolve("manifest-" + name), mf.toString());
        List<String> jarArgs = new ArrayList<>(List.of("--create", "--file", jar.toString(),
                "--manifest", mfFile.toString()));
        if (mainClass != null) {
            jarArgs.addAll(List.of("--main-class", mainClass));
        }
        jarArgs.addAll(List.of("-C", classes.toString(), "."));
        run("jar", jarArgs);
        return jar;
    }

    /** Runs a JDK tool ({@code jar}, {@code jlink}) in this JVM; fails the test if it fails. */
    static void run(String tool, List<String> args) {
        java.util.spi.ToolProvider provider = java.util.spi.ToolProvider.findFirst(tool)
                .orElseThrow(() -> new AssertionError("no " + tool + " in this JDK"));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        int status = provider.run(writer, writer, args.toArray(new String[0]));
        writer.flush();
        assertThat(status).as("%s %s: %s", tool, args, out).isZero();
    }

    /** Whether process {@code pid} listens on TCP {@code port}, as /proc shows its sockets. */
    static boolean listensOn(long pid, int port) {
        Path proc = Path.of("/proc", Long.toString(pid));
        List<String> inodes = new ArrayList<>();
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
            for (String table : List.of("net/tcp", "net/tcp6")) {
                Path t = proc.resolve(table);
                if (!Files.exists(t)) {
                    continue;
                }
                for (String line : Files.readAllLines(t)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])
                            && f[1].endsWith(String.format(":%04X", port))) {
                        return true;
                    }
                }
            }
        } catch (IOException e) {
            return false; // gone
        }
        return false;
    }
}
