package io.jdaemon.internal.handshake;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line reason for a failed start, chosen by rule (the same for every framework), and the
 * few lines of the log shown under it.
 *
 * <p>From an exception that ended {@code main} (or was given to {@code Daemon.failed}): its root
 * cause, the last {@code Caused by:} of its stack trace. From the log, when the daemon exited
 * before it was ready without telling why (frameworks catch their startup exception, log it and
 * exit): Spring Boot's failure analysis (the line after {@code Description:} under
 * {@code APPLICATION FAILED TO START}); else the first ERROR, FATAL or SEVERE line that is the
 * framework's own diagnosis (not the heading of a stack trace); else the root cause of the last
 * logged stack trace; else the last line that names an exception. Either way a bind failure that
 * names no port (the JDK's {@code BindException: Address already in use}) gets the port its stack
 * trace or, failing that, the log named: {@code ... (port 8080)}.
 */
public final class StartFailureReason {

    /** How much of the log's new content is searched: its end. */
    private static final int SEARCHED_BYTES = 64 * 1024;

    /** How many lines of the log the failure report shows under its first line, at most. */
    static final int CONTEXT_LINES = 8;

    /**
     * A port as messages name it: {@code host:8080}, {@code *:8080}, {@code port 8080},
     * {@code Port 8080}, Tomcat's connector name {@code http-nio-8080}; not a time of day
     * ({@code 11:18:06,219}, or JUL's {@code 6:27:05 PM}, whose seconds follow {@code H:MM:}).
     */
    private static final Pattern PORT = Pattern.compile(
            "(?:[\\w\\]*]:|\\b[Pp]ort:? |-nio2?-|-apr-)(?<!\\d:\\d\\d:)(\\d{1,5})(?![\\d.,]|:\\d)");

    /** A log line's level, among its first words: ERROR, FATAL, or JUL's SEVERE. */
    private static final Pattern ERROR_LEVEL = Pattern.compile("(?:^|[\\s\\[|])(ERROR|FATAL|SEVERE)(?=[\\s\\]:|]|$)");

    private StartFailureReason() {
    }

    /**
     * The reason an exception gives, in one line: its root cause, with the port when that is a
     * bind failure that names none and a message up the chain does.
     */
    public static String of(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 100; t = t.getCause()) {
            chain.add(t);
        }
        String root = firstLine(chain.get(chain.size() - 1).toString());
        List<String> messages = new ArrayList<>();
        for (Throwable t : chain) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return withPort(root, messages);
    }

    /**
     * {@code reason}, a bind failure without a port, with the port the log after byte
     * {@code start} named last; any other reason as it is.
     */
    public static String withPortFromLog(String reason, Path log, long start) {
        if (!isBindFailure(reason) || portIn(reason) != null) {
            return reason;
        }
        String text = LogTail.since(log, start, SEARCHED_BYTES);
        String port = null;
        for (String line : text.split("\r?\n")) {
            String named = isFrame(line.trim()) ? null : portIn(line);
            port = named != null ? named : port;
        }
        return port == null ? reason : reason + " (port " + port + ")";
    }

    /** The reason found in {@code log} after byte offset {@code start}, or null if none. */
    public static String fromLog(Path log, long start) {
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
        String diagnosis = firstErrorLine(lines);
        if (diagnosis != null) {
            return diagnosis;
        }
        // The root cause of the last stack trace (which may be a lone exception line).
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (isTraceHead(line) && (i == 0 || !isTraceLine(lines[i - 1].trim()))) {
                List<String> texts = new ArrayList<>();
                if (i > 0) {
                    texts.add(lines[i - 1]); // the message that introduced it
                }
                return withPort(rootOfTrace(lines, i, texts), texts);
            }
        }
        return null;
    }

    /**
     * The lines of the log to show under the reason: its last lines without stack frames
     * ({@code at ...}, {@code ... N more}), at most {@link #CONTEXT_LINES}.
     */
    public static List<String> context(String text) {
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!isFrame(line.trim()) && !line.isBlank()) {
                kept.add(line);
            }
        }
        return kept.subList(Math.max(0, kept.size() - CONTEXT_LINES), kept.size());
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

    /**
     * The first ERROR, FATAL or SEVERE line with a message (not ending in a colon), from its level
     * on (the timestamp before it is left out; JUL writes the level on the line after the
     * logger's). When a stack trace follows it, that trace's root cause follows it:
     * {@code ERROR ... Unable to start server: java.net.BindException: Address already in use}.
     */
    private static String firstErrorLine(String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            Matcher m = ERROR_LEVEL.matcher(line);
            if (!m.find() || m.start(1) > 60 || line.endsWith(":")) {
                continue;
            }
            String error = line.substring(m.start(1));
            int trace = i + 1;
            if (trace < lines.length && isTraceHead(lines[trace].trim())) {
                List<String> texts = new ArrayList<>(List.of(error));
                String root = rootOfTrace(lines, trace, texts);
                return withPort(error + ": " + root, texts);
            }
            return error;
        }
        return null;
    }

    /**
     * The root cause of the stack trace that starts at line {@code head}: its last
     * {@code Caused by:}; in logback's root-cause-first form ({@code ! Causing:}), its first
     * line; without a cause, its first line. The trace's lines other than frames are added to
     * {@code texts} (where a bind failure's port is named).
     */
    private static String rootOfTrace(String[] lines, int head, List<String> texts) {
        String first = stripBang(lines[head].trim());
        // A cause of the trace itself, not of a suppressed exception (those are indented more).
        String causedBy = indentOf(lines[head]) + "Caused by: ";
        String lastCause = null;
        boolean rootFirst = false;
        for (int i = head; i < lines.length && (i == head || isTraceLine(lines[i].trim())); i++) {
            String line = lines[i].trim();
            if (isFrame(line)) {
                continue;
            }
            texts.add(line);
            if (lines[i].startsWith(causedBy)) {
                lastCause = line.substring("Caused by: ".length());
            } else if (line.startsWith("! Causing: ")) {
                rootFirst = true;
            }
        }
        if (first.startsWith("Exception in thread ")) {
            first = first.substring(first.indexOf('"', first.indexOf('"') + 1) + 1).trim();
        }
        return rootFirst || lastCause == null ? first : lastCause;
    }

    /** The first line of a stack trace: an exception named, bare or after logback's "! ". */
    private static boolean isTraceHead(String line) {
        return namesException(stripBang(line));
    }

    private static String indentOf(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return line.substring(0, i);
    }

    private static String stripBang(String line) {
        return line.startsWith("! ") ? line.substring(2).trim() : line;
    }

    private static boolean isTraceLine(String line) {
        return isFrame(line) || line.startsWith("Caused by: ") || line.startsWith("!")
                || line.startsWith("Suppressed: ") || namesException(line);
    }

    /** A stack frame or an elision: {@code at ...}, {@code ... N more}, logback's {@code ! at}. */
    private static boolean isFrame(String line) {
        String l = line.startsWith("! ") ? line.substring(2) : line;
        return l.startsWith("at ") || l.startsWith("...") && (l.endsWith(" more") || l.endsWith("omitted"));
    }

    /** {@code root} with the first port {@code texts} name, if it is a bind failure naming none. */
    private static String withPort(String root, List<String> texts) {
        if (!isBindFailure(root) || portIn(root) != null) {
            return root;
        }
        for (String text : texts) {
            String port = portIn(text);
            if (port != null) {
                return root + " (port " + port + ")";
            }
        }
        return root;
    }

    /** Whether a line is a bind failure: a BindException, or the OS's "Address already in use". */
    private static boolean isBindFailure(String line) {
        return line.contains("BindException") || line.contains("Address already in use");
    }

    /** The first port {@code text} names, or null. */
    private static String portIn(String text) {
        Matcher m = PORT.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The first line of a text, trimmed. */
    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
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
