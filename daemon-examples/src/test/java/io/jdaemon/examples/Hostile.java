package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Tools for the hostile-conditions tests, beside {@link Example}: JVM options before {@code -jar},
 * one-line error assertions, directory listings and quiet commands. What they fake lives beside
 * it: {@link FakeHelper}, {@link OtherUser}, {@link Namespaces}, {@link Background}.
 *
 * <p>Every process these start names the test's directory on its command line, so that
 * {@link Example#close()} finds and kills it.
 */
final class Hostile {

    private Hostile() {
    }

    /** {@code java JVM_OPTIONS -jar daemon-examples.jar ARGS}. */
    static List<String> java(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Example.JAVA);
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(Example.JAR.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The daemon command of {@code example} with JVM options before {@code -jar}. */
    static List<String> daemonCommand(Example example, List<String> jvmOptions, String... more) {
        List<String> cmd = example.daemonCommand(more);
        int jar = cmd.indexOf("-jar");
        cmd.addAll(jar, jvmOptions);
        return cmd;
    }

    /** The launcher printed nothing on stderr that looks like a Java stack trace. */
    static void assertNoStackTrace(Example.Result r) {
        assertThat(r.err() + r.out()).as("launcher output")
                .doesNotContain("Exception in thread")
                .doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(")
                .doesNotContain("Caused by:");
    }

    /** Exactly one line on stderr, nothing on stdout, no stack trace. */
    static void assertOneErrorLine(Example.Result r, String line, int exit) {
        assertNoStackTrace(r);
        assertThat(r.err()).as("stderr (exit %d, stdout %s)", r.exit(), r.out()).isEqualTo(line + "\n");
        assertThat(r.out()).as("stdout").isEmpty();
        assertThat(r.exit()).as("exit status; stderr: %s", r.err()).isEqualTo(exit);
    }

    /**
     * Output without the JVM's own unified-logging warnings (e.g. "[0.030s][warning][perf,memops]
     * Cannot use file /tmp/hsperfdata_root/N because it is locked by another process", which a JVM
     * prints on stdout when a live JVM with the same PID number in another PID namespace shares
     * /tmp: seen once under twenty concurrent stops).
     */
    static String withoutJvmWarnings(String output) {
        return output.replaceAll("(?m)^\\[[0-9.]+s\\]\\[warning\\]\\[[^\\]]*\\].*\n", "");
    }

    /**
     * Names of the entries of a directory, sorted; the launchers' {@code tmp} directory (see
     * {@link Example#command}) is shown by its entries, {@code tmp/NAME}, so that a readiness
     * directory left behind shows too.
     */
    static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.equals("tmp") && Files.isDirectory(p)) {
                    try (Stream<Path> t = Files.list(p)) {
                        t.forEach(q -> names.add("tmp/" + q.getFileName()));
                    }
                } else {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }

    /** Runs a command to its end (bounded), output discarded; its exit status. */
    static int quietly(List<String> cmd) {
        return quietly(new ProcessBuilder(cmd));
    }

    static int quietly(ProcessBuilder pb) {
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
