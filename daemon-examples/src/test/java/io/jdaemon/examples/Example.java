package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the real example jar as a user would, in a directory of its own, and cleans up after
 * itself: every process whose command line names that directory is killed on close.
 */
final class Example implements AutoCloseable {

    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        /** The PID in "... started, pid N". */
        long startedPid() {
            Matcher m = Pattern.compile("started, pid (\\d+)").matcher(out);
            assertThat(m.find()).as("launcher output: %s / %s", out, err).isTrue();
            return Long.parseLong(m.group(1));
        }
    }

    static {
        defaultHangupAndInterrupt();
    }

    static final Path JAR = Path.of(System.getProperty("example.jar", "target/daemon-examples.jar"));
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    final Path dir;
    final Path pidFile;
    final Path log;

    Example(Path dir) {
        this.dir = dir;
        this.pidFile = dir.resolve("example.pid");
        this.log = dir.resolve("example.log");
    }

    private interface LibC extends com.sun.jna.Library {
        LibC C = com.sun.jna.Native.load("c", LibC.class);

        com.sun.jna.Pointer signal(int signal, com.sun.jna.Pointer handler);
    }

    /**
     * Gives SIGHUP and SIGINT back their default action in this JVM where the test runner started
     * it with them ignored ({@code nohup mvn verify &} ignores both), so that the processes the
     * tests start meet them as under a plain shell: an ignore is inherited through every
     * {@code exec}, and a daemon started by a launcher that ignores SIGHUP keeps ignoring it, as
     * {@code nohup} intends (SighupPolicyIT's and SystemdNotifyIT's subject).
     */
    private static void defaultHangupAndInterrupt() {
        try {
            String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn:\t0").substring(7).trim();
            long mask = Long.parseUnsignedLong(ignored, 16);
            for (int signal : new int[] {1, 2}) { // SIGHUP, SIGINT
                if ((mask & (1L << (signal - 1))) != 0) {
                    LibC.C.signal(signal, null); // SIG_DFL
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // no /proc or no JNA: the runner's dispositions stay
        }
    }

    /**
     * {@code java -Djava.io.tmpdir=DIR/tmp -jar daemon-examples.jar ARGS}: the launcher's
     * readiness directory, which a launcher killed by a test cannot remove, stays in the test's
     * own directory. (World-writable and sticky, mode 1777 as /tmp, for the tests that run it as
     * another user: a temporary directory others can write without the sticky bit is refused.)
     * Under {@code -Dit.platform} or {@code -Dit.helper}, also {@code -Djdaemon.helper=...}
     * ({@link ForeignHelper}).
     */
    List<String> command(String... args) {
        Path tmp = dir.resolve("tmp");
        try {
            if (!Files.isDirectory(tmp)) {
                Files.createDirectories(tmp);
                // Java cannot set the sticky bit.
                assertThat(new ProcessBuilder("chmod", "1777", tmp.toString()).start().waitFor())
                        .as("chmod 1777 %s", tmp).isZero();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(ForeignHelper.jvmOptions(dir)); // -Dit.platform / -Dit.helper: another helper
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code java -jar daemon-examples.jar --daemon --pidfile=.. --log=.. --port=0 MORE}. */
    List<String> daemonCommand(String... more) {
        List<String> cmd = command("--daemon", "--pidfile=" + pidFile, "--log=" + log, "--port=0");
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** {@code java -jar daemon-examples.jar --daemon=ACTION --pidfile=PIDFILE MORE}: a control command. */
    List<String> controlCommand(String action, String... more) {
        List<String> cmd = command("--daemon=" + action, "--pidfile=" + pidFile);
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** Runs {@link #controlCommand} to its end (bounded) and returns what it printed. */
    Result control(String action, String... more) {
        return run(controlCommand(action, more));
    }

    /** Runs a command to its end (bounded) and returns what it printed. */
    Result run(List<String> command) {
        return run(new ProcessBuilder(command));
    }

    Result run(ProcessBuilder pb) {
        try {
            Process p = pb.directory(dir.toFile()).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = readAsync(p.getInputStream());
            CompletableFuture<String> err = readAsync(p.getErrorStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish: " + pb.command());
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts the example as a daemon and returns the daemon's PID (checked against the pidfile). */
    long startDaemon(String... more) {
        Result r = run(daemonCommand(more));
        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        long pid = r.startedPid();
        assertThat(pidFileContent()).isEqualTo(pid + "\n");
        return pid;
    }

    String pidFileContent() {
        try {
            return Files.readString(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the example printed to its log last. */
    int port() {
        Pattern p = Pattern.compile("listening on port (\\d+)");
        awaitTrue(() -> p.matcher(logText()).find(), "port in log " + log);
        Matcher m = p.matcher(logText());
        int port = 0;
        while (m.find()) {
            port = Integer.parseInt(m.group(1));
        }
        return port;
    }

    /**
     * GET http://127.0.0.1:PORT/PATH, or null if nothing answers (a closed port answers at once).
     * A service's first answer, JIT-cold on a loaded machine, can take seconds: 30 s bounds it.
     */
    static String get(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path)
                    .openConnection();
            c.setConnectTimeout(30_000);
            c.setReadTimeout(30_000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits (bounded, 30 s) until the condition holds; fails the test otherwise. */
    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            sleep(20);
        }
    }

    static void awaitGone(long pid) {
        awaitTrue(() -> !new Proc(pid).alive(), "process " + pid + " to exit");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
            assertThat(p.waitFor()).as("kill -%s %d", signal, pid).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every process started from this example's directory. */
    List<Long> processes() {
        return Proc.withArgument(dir.toString());
    }

    @Override
    public void close() {
        for (long pid : processes()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : processes()) {
            awaitGone(pid);
        }
    }

    /** Reads a stream to its end on a thread of its own (many may block at once). */
    static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, task -> {
            Thread t = new Thread(task, "example-output-reader");
            t.setDaemon(true);
            t.start();
        });
    }
}
