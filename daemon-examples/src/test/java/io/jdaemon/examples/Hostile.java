package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.platform.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Tools for the hostile-conditions tests, beside {@link Example}: JVM options before {@code -jar},
 * stand-ins for the native helper that wrap the real one, commands run as user {@code nobody},
 * in a mount namespace without /proc, or released together behind a barrier.
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

    // ---- helper stand-ins --------------------------------------------------------------------

    /** The packaged helper for this platform, copied out of the class path to DIR/real-helper. */
    static Path realHelper(Path dir) {
        String resource = Platform.helperResource(Platform.current());
        Path target = dir.resolve("real-helper");
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = Hostile.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("helper resource %s on the test class path", resource).isNotNull();
            Files.write(target, in.readAllBytes());
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packaged helper's bytes. */
    static byte[] packagedHelper() {
        String resource = Platform.helperResource(Platform.current());
        try (InputStream in = Hostile.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("helper resource %s", resource).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an executable script. */
    static Path script(Path file, String text) {
        try {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A stand-in for the helper, for {@code -Djdaemon.helper=}: runs {@code before} (bash, with
     * {@code $opts} the helper's options as an array, {@code $prog} the JVM and {@code "$@"} the
     * JVM's arguments), then the real helper with the same options and {@code program} after
     * {@code --} (bash words, e.g. {@code "$prog" "$@"}).
     */
    static Path wrappedHelper(Path dir, String name, String before, String program) {
        Path real = realHelper(dir);
        return script(dir.resolve(name), "#!/bin/bash\n"
                + "# stand-in for jdaemon-helper (test): wraps " + real + "\n"
                + "opts=()\n"
                + "while [ $# -gt 0 ] && [ \"$1\" != \"--\" ]; do opts+=(\"$1\"); shift; done\n"
                + "shift\n"
                + "prog=\"$1\"; shift\n"
                + before + "\n"
                + "exec " + real + " \"${opts[@]}\" -- " + program + "\n");
    }

    /**
     * A helper whose daemon stops itself (SIGSTOP) right before it executes the JVM, with the PID
     * the daemon will have: a daemon that is spawned but never gets to run until it gets SIGCONT.
     */
    static Path stoppingHelper(Path dir) {
        Path stopper = script(dir.resolve("stop-before-exec.sh"),
                "#!/bin/bash\nkill -STOP $$\nexec \"$@\"\n");
        return wrappedHelper(dir, "stopping-helper.sh", "", stopper + " \"$prog\" \"$@\"");
    }

    /** The first process whose command line contains {@code token} and is stopped (state T). */
    static long awaitStopped(String token) {
        long[] found = new long[1];
        Example.awaitTrue(() -> {
            for (long pid : Proc.withArgument(token)) {
                if (state(pid) == 'T') {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        }, "a stopped process with " + token + " on its command line");
        return found[0];
    }

    /** kill -SIGNAL PID; whether it was delivered (false if the process is gone). */
    static boolean signalQuietly(long pid, String signal) {
        return quietly(List.of("kill", "-" + signal, Long.toString(pid))) == 0;
    }

    /** Field 3 of /proc/PID/stat, or '?' if the process is gone. */
    static char state(long pid) {
        try {
            return new Proc(pid).stat().get(0).charAt(0);
        } catch (RuntimeException e) {
            return '?';
        }
    }

    // ---- other users, namespaces, mounts -----------------------------------------------------

    static final List<String> NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
            "--clear-groups");

    /** The start of a shell command line that runs its next word (a quoted script) as nobody. */
    static final String NOBODY_SHELL = "setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c";

    /** Skips unless this runs as root with setpriv, which can switch to nobody. */
    static void assumeCanRunAsNobody() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to run commands as user nobody; this runs as " + System.getProperty("user.name"));
        Assumptions.assumeTrue(quietly(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "true")) == 0, "setpriv (util-linux) cannot switch to user nobody here");
    }

    /** {@code cmd} run as user nobody. */
    static List<String> asNobody(List<String> cmd) {
        List<String> out = new ArrayList<>(NOBODY);
        out.addAll(cmd);
        return out;
    }

    /** Makes a directory owned by nobody:nogroup, mode 0755. */
    static Path nobodyDir(Path dir) {
        try {
            Files.createDirectories(dir);
            assertThat(quietly(List.of("chown", "nobody:nogroup", dir.toString()))).isZero();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mounts a tmpfs with these options on DIR, or skips the test if that is not permitted. */
    static void mountTmpfsOrSkip(Path dir, String options) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int rc = quietly(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
        Assumptions.assumeTrue(rc == 0, "mount -t tmpfs -o " + options + " is not permitted here (exit "
                + rc + ")");
    }

    /** Unmounts DIR if something is mounted there. */
    static void unmount(Path dir) {
        if (dir != null && Files.isDirectory(dir)) {
            quietly(List.of("umount", dir.toString()));
        }
    }

    /**
     * {@code cmd} in a new mount namespace whose /proc is an empty tmpfs: a system without /proc
     * for that process and what it starts. The JVM's own libraries are put on LD_LIBRARY_PATH,
     * since without /proc/self/exe the dynamic loader cannot resolve {@code $ORIGIN}.
     */
    static ProcessBuilder withoutProc(List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private",
                "sh", "-c", "mount -t tmpfs noproc /proc && exec \"$@\"", "sh"));
        out.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(out);
        String home = System.getProperty("java.home");
        pb.environment().put("LD_LIBRARY_PATH", home + "/lib:" + home + "/lib/server");
        return pb;
    }

    /** Skips unless a JVM can run in a mount namespace with an empty /proc. */
    static void assumeCanHideProc() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root for a mount namespace without /proc");
        int rc = quietly(withoutProc(List.of(Example.JAVA, "-version")));
        Assumptions.assumeTrue(rc == 0, "cannot run a JVM in a mount namespace with an empty /proc "
                + "(unshare/mount not permitted here, exit " + rc + ")");
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

    // ---- processes in the background and released together ----------------------------------

    /** A process started in the background, with its output collected. */
    record Running(Process process, CompletableFuture<String> out, CompletableFuture<String> err) {
        long pid() {
            return process.pid();
        }

        /** Waits (bounded) for its end. */
        Example.Result await(long seconds) {
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("did not finish within " + seconds + " s: "
                            + process.info().commandLine().orElse("?"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return new Example.Result(process.exitValue(), out.join(), err.join());
        }
    }

    static Running background(Example example, ProcessBuilder pb) {
        try {
            Process p = pb.directory(example.dir.toFile()).start();
            p.getOutputStream().close();
            return new Running(p, Example.readAsync(p.getInputStream()),
                    Example.readAsync(p.getErrorStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Running background(Example example, List<String> cmd) {
        return background(example, new ProcessBuilder(cmd));
    }

    /**
     * Starts every command behind a barrier (each waits for a file to appear), releases them all
     * at once and returns their outcomes in order.
     */
    static List<Example.Result> together(Example example, List<List<String>> commands, long seconds) {
        Path go = example.dir.resolve("go-" + System.nanoTime());
        List<Running> running = new ArrayList<>();
        for (List<String> command : commands) {
            List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                    "while [ ! -e \"$0\" ]; do sleep 0.01; done; exec \"$@\"", go.toString()));
            cmd.addAll(command);
            running.add(background(example, cmd));
        }
        try {
            Files.createFile(go);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example.Result> results = new ArrayList<>();
        for (Running r : running) {
            results.add(r.await(seconds));
        }
        return results;
    }

}
