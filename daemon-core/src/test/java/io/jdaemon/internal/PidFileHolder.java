package io.jdaemon.internal;

import java.nio.file.Path;

/**
 * Test helper run in a separate JVM: acquires the pidfile named by its argument for its own PID,
 * prints {@code held PID} and sleeps until it is killed. On failure it prints {@code failed ...}
 * and exits 1.
 */
public final class PidFileHolder {

    private PidFileHolder() {
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
