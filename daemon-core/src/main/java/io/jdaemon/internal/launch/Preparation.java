package io.jdaemon.internal.launch;

import io.jdaemon.internal.helper.HelperBinary;
import java.nio.file.Path;

/**
 * What the spawn needs besides the checks of the flags' files, found on a thread of its own
 * while they run: the helper; and the JDK's process class, whose initialisation (its first
 * lambda) the spawn would otherwise wait for.
 */
final class Preparation extends Thread {
    private Path helper;
    private Throwable failure;

    Preparation() {
        super("jdaemon-prepare");
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            helper = HelperBinary.locate();
            initialize("java.lang.ProcessImpl");
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    private static void initialize(String jdkClass) {
        try {
            Class.forName(jdkClass, true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // another JDK's names: the spawn initialises what it has
        }
    }

    /** Waits until the thread is done; nothing it places is left half-written. */
    void finish() {
        boolean interrupted = false;
        while (isAlive()) {
            try {
                join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The helper, once the thread is done. */
    Path helper() {
        finish();
        rethrow();
        return helper;
    }

    private void rethrow() {
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
    }
}

