package io.jdaemon.internal;

import java.nio.file.Path;

/**
 * The reason for a failed start, read from what the daemon wrote to its log, for when the daemon
 * exited before it was ready without telling why. Frameworks catch their own startup exception,
 * log it and let {@code main} end: Spring Boot's exception handler swallows it after logging it
 * ({@code SpringBootExceptionHandler}), so the daemon's uncaught-exception path never sees it.
 * Recognised, in this order: Spring Boot's failure analysis (the line after {@code Description:}
 * under {@code APPLICATION FAILED TO START}), then the root cause of the last logged stack trace
 * (its last {@code Caused by:} line), then the last line that names an exception.
 */
final class StartFailureReason {

    /** How much of the log's new content is searched: its end. */
    private static final int SEARCHED_BYTES = 64 * 1024;

    private StartFailureReason() {
    }

    /** The reason found in {@code log} after byte offset {@code start}, or null if none. */
    static String fromLog(Path log, long start) {
        String text = LogTail.since(log, start, SEARCHED_BYTES);
        return text.isEmpty() ? null : fromText(text);
    }

    /** The reason in a piece of log text, or null if none is recognised. */
    static String fromText(String text) {
        String[] lines = text.split("\r?\n");
        String analysis = springBootDescription(lines);
        if (analysis != null) {
            return analysis;
        }
        String exception = null;
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (line.startsWith("Caused by: ")) {
                return line.substring("Caused by: ".length());
            }
            if (exception == null && namesException(line)) {
                exception = line;
            }
        }
        return exception;
    }

    /** The description of Spring Boot's last "APPLICATION FAILED TO START" report. */
    private static String springBootDescription(String[] lines) {
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].trim().equals("APPLICATION FAILED TO START")) {
                continue;
            }
            for (int j = i + 1; j < lines.length; j++) {
                if (lines[j].trim().equals("Description:")) {
                    StringBuilder description = new StringBuilder();
                    for (int k = j + 1; k < lines.length; k++) {
                        String line = lines[k].trim();
                        if (line.isEmpty() && description.length() > 0 || line.equals("Action:")) {
                            break;
                        }
                        if (!line.isEmpty()) {
                            description.append(description.length() > 0 ? " " : "").append(line);
                        }
                    }
                    return description.length() > 0 ? description.toString() : null;
                }
            }
            return null;
        }
        return null;
    }

    /** {@code some.pkg.SomeException: message}, or the same after "Exception in thread ...". */
    private static boolean namesException(String line) {
        int colon = line.indexOf(": ");
        String head = colon < 0 ? line : line.substring(0, colon);
        int space = head.lastIndexOf(' ');
        String type = head.substring(space + 1);
        return type.indexOf('.') > 0 && (type.endsWith("Exception") || type.endsWith("Error"))
                && (space < 0 || head.startsWith("Exception in thread "));
    }
}
