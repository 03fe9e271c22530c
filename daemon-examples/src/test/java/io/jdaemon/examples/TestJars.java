package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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
     * {@code jar}. {@code options} go to javac ({@code -cp ...}, {@code -p ...}).
     */
    static Path build(Path workDir, Path jar, Map<String, String> sources, Map<String, String> manifest,
            String... options) throws IOException {
        Path src = Files.createDirectories(workDir.resolve("src-" + jar.getFileName()));
        Path classes = Files.createDirectories(workDir.resolve("classes-" + jar.getFileName()));
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("-d", classes.toString(), "-nowarn"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, args.toArray(new String[0]));
        assertThat(status).as("javac %s (its errors above)", args).isZero();
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out2 = new JarOutputStream(file, mf);
                Stream<Path> all = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile).sorted()::iterator) {
                out2.putNextEntry(new JarEntry(classes.relativize(p).toString()));
                out2.write(Files.readAllBytes(p));
                out2.closeEntry();
            }
        }
        return jar;
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
