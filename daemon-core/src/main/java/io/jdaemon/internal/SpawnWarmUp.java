package io.jdaemon.internal;

/**
 * Initialises the JDK's process-spawning classes on another thread while the launcher checks its
 * options, locates the helper and writes the settings: the first {@code ProcessBuilder.start()}
 * of a JVM otherwise pays for them on the way to the fork (their lambdas bootstrap the
 * method-handle machinery, and the process reaper's executor is set up), and part of it then
 * competes for the CPU with the daemon's booting JVM. Nothing is spawned, no file is touched:
 * class initialisation only, which the JVM runs once whichever thread gets there first.
 */
final class SpawnWarmUp extends Thread {

    /**
     * Classes {@code ProcessBuilder.start()} initialises (JDK 17 to 25; a name a JDK lacks is
     * skipped). JDK 21 and later's {@code OperatingSystem} finds its constant with
     * {@code Enum.valueOf}, the JVM's first reflective call there: 10 ms of method-handle classes.
     */
    private static final String[] CLASSES = {"jdk.internal.util.OperatingSystem",
        "java.lang.ProcessImpl", "java.lang.ProcessHandleImpl",
        "java.util.concurrent.CompletableFuture"};

    private SpawnWarmUp() {
        super("jdaemon-spawn-warm-up");
        setDaemon(true);
    }

    /** Starts the warm-up; returns at once. */
    static void begin() {
        new SpawnWarmUp().start();
    }

    @Override
    public void run() {
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // another JDK's layout: the spawn initialises what it needs itself
            }
        }
    }
}
