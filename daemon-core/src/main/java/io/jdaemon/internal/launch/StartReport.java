package io.jdaemon.internal.launch;

import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.handshake.LogTail;
import io.jdaemon.internal.handshake.StartFailureReason;
import io.jdaemon.internal.helper.HelperProcess;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.jvm.JvmOptions;
import java.io.File;
import java.nio.file.attribute.BasicFileAttributes;

/** What the launcher tells the operator of a start that failed: the reason, and the log's new lines. */
final class StartReport {

    private final DaemonOptions options;
    private final JvmCommandLine jvm;
    private final String name;

    StartReport(DaemonOptions options, JvmCommandLine jvm, String name) {
        this.options = options;
        this.jvm = jvm;
        this.name = name;
    }

    /**
     * A failure that gives no reason (the daemon exited before it was ready), preceded by the
     * reason the daemon logged, when one is recognised there; a bind failure that names no port
     * with the port the log named; any other failure as it is ({@link StartFailureReason}).
     */
    String withLoggedReason(String failure, boolean withoutReason, long logStart) {
        if (!withoutReason) {
            return StartChecks.isDevNull(options.logFile()) ? failure
                    : StartFailureReason.withPortFromLog(failure, options.logFile(), logStart);
        }
        // A port this launcher holds (an agent on the java command line) is the reason when
        // the daemon's log tells of a port in use, or there is no log to tell.
        String held = JvmOptions.heldPort(jvm.jvmOptions(), StartChecks.isDevNull(options.logFile()) ? null
                : LogTail.since(options.logFile(), logStart, 64 * 1024));
        if (held != null) {
            return held + " (" + failure + ")";
        }
        if (StartChecks.isDevNull(options.logFile())) {
            return failure;
        }
        String reason = StartFailureReason.fromLog(options.logFile(), logStart);
        return reason == null ? failure : reason + " (" + failure + ")";
    }

    Report failed(String message, long logStart) {
        String tail = logTail(logStart);
        if (outOfThreads(message) || outOfThreads(tail)) {
            // The daemon's JVM, like the launcher's, runs into this user's process limit: the
            // same one line whichever of them ran out first.
            return Report.of(HelperProcess.processLimit(null));
        }
        StringBuilder text = new StringBuilder(message);
        if (!tail.isEmpty()) {
            text.append("\n").append(name).append(": output in ").append(options.logFile())
                    .append(":\n").append(tail);
        } else if (!StartChecks.isDevNull(options.logFile())) {
            text.append(logFileSystemFull() ? " (nothing could be written to " + options.logFile()
                    + ": its file system is full)" : " (see " + options.logFile() + ")");
        }
        return Report.failed(text.toString(), ExitStatus.FAILED);
    }

    /** Whether a JVM said it could not create a thread (the process limit, not memory). */
    static boolean outOfThreads(String text) {
        return text.contains("OutOfMemoryError: unable to create native thread")
                || text.contains("OutOfMemoryError: unable to create new native thread")
                || text.contains("pthread_create failed (EAGAIN)");
    }

    long logSize() {
        BasicFileAttributes attrs = StartChecks.attributesOrNull(options.logFile());
        return attrs != null && attrs.isRegularFile() ? attrs.size() : 0;
    }

    /**
     * What the daemon appended to the log since {@code start}: its last few lines without stack
     * frames ({@link StartFailureReason#context}), indented.
     */
    private String logTail(long start) {
        String text = LogTail.since(options.logFile(), start, 8192);
        if (text.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : StartFailureReason.context(text)) {
            out.append(out.length() == 0 ? "" : "\n").append("  ").append(line);
        }
        return out.toString();
    }

    /** Whether the log's file system has less than a block left (statvfs, no FileStore set up). */
    boolean logFileSystemFull() {
        if (StartChecks.isDevNull(options.logFile())) {
            return false;
        }
        File dir = options.logFile().toAbsolutePath().getParent().toFile();
        long usable = dir.getUsableSpace();
        return usable < 4096 && dir.getTotalSpace() > 0;
    }
}
