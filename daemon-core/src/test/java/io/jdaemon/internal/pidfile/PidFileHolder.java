package io.jdaemon.internal.pidfile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper run in a separate JVM: acquires the pidfile named by its argument for its own PID,
 * prints {@code held PID} and sleeps until it is killed. On failure it prints {@code failed ...}
 * and exits 1.
 */
public final class PidFileHolder {

    private PidFileHolder() {
    }

    /**
     * Starts a holder of {@code pidFile} in a new JVM (this one's java and class path) and
     * returns once it holds the file; the caller destroys it.
     */
    public static Process start(Path pidFile) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), PidFileHolder.class.getName(),
                pidFile.toString())).redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (!("held " + process.pid()).equals(line)) {
            process.destroyForcibly();
            throw new IllegalStateException("holder of " + pidFile + " said: " + line);
        }
        return process;
    }

    public static void main(String[] args) throws Exception {
        long pid = ProcessHandle.current().pid();
        try {
            PidFile.acquire(Path.of(args[0]), pid);
        } catch (Exception | Error e) {
            System.out.println("failed " + e);
            System.out.flush();
            System.exit(1);
        }
        System.out.println("held " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
