package io.jdaemon.internal.cli;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a launcher or control command tells the operator, as a value: its lines (each for stdout
 * or stderr) and its exit status. {@link #print} is the one place where they are written, with
 * the service's name in front: {@code NAME started, pid N} on stdout, {@code NAME: reason} on
 * stderr.
 */
public final class Report {

    private static final class Line {
        final boolean error;
        final String text;

        Line(boolean error, String text) {
            this.error = error;
            this.text = text;
        }
    }

    private final List<Line> lines;
    private final int exitStatus;

    private Report(List<Line> lines, int exitStatus) {
        this.lines = lines;
        this.exitStatus = exitStatus;
    }

    /** {@code NAME text} on stdout, e.g. {@code said("started, pid 42", OK)}. */
    public static Report said(String text, int exitStatus) {
        List<Line> lines = new ArrayList<>(2);
        lines.add(new Line(false, " " + text));
        return new Report(lines, exitStatus);
    }

    /** {@code NAME: text} on stdout: a result that is a finding, as {@code status unknown: ...}. */
    public static Report found(String text, int exitStatus) {
        List<Line> lines = new ArrayList<>(2);
        lines.add(new Line(false, ": " + text));
        return new Report(lines, exitStatus);
    }

    /** {@code NAME: text} on stderr: a failure. */
    public static Report failed(String text, int exitStatus) {
        List<Line> lines = new ArrayList<>(2);
        lines.add(new Line(true, ": " + text));
        return new Report(lines, exitStatus);
    }

    /** {@code NAME: text} on stderr for something the operator should know; exit status 0. */
    public static Report notice(String text) {
        return failed(text, ExitStatus.OK);
    }

    /** The failure an exception describes. */
    public static Report of(DaemonException e) {
        return failed(e.getMessage(), e.exitCode());
    }

    /** These lines, then those of {@code next}, with {@code next}'s exit status. */
    public Report then(Report next) {
        List<Line> all = new ArrayList<>(lines);
        all.addAll(next.lines);
        return new Report(all, next.exitStatus);
    }

    /** The exit status. */
    public int exitStatus() {
        return exitStatus;
    }

    /** Whether the command did what was asked (exit status 0). */
    public boolean ok() {
        return exitStatus == ExitStatus.OK;
    }

    /** The lines as they would be printed, for tests: {@code NAME text}, one per line. */
    public String text(String name) {
        StringBuilder out = new StringBuilder();
        for (Line line : lines) {
            out.append(name).append(line.text).append('\n');
        }
        return out.toString();
    }

    /**
     * Writes the lines, flushed, each made {@link #printable}, and returns the exit status: what
     * a failed start copies from the service's log (and any path or name) cannot set a
     * terminal's title, clear its screen or fake a prompt.
     */
    public int print(String name) {
        for (Line line : lines) {
            PrintStream stream = line.error ? System.err : System.out;
            stream.println(printable(name + line.text));
            stream.flush();
        }
        return exitStatus;
    }

    /**
     * {@code text} with every control character but the line break written as an escape
     * ({@code \x1b} for ESC, {@code \r}, {@code \t}, {@code \u009b} for the 8-bit CSI, ...),
     * and so are the characters that reorder or hide text (bidirectional overrides and
     * isolates, line and paragraph separators) and a backslash itself ({@code \\}), so an
     * escape seen is never ambiguous. Nothing a terminal interprets is left.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escape(char c) {
        if (c == '\n' || c == '\t') {
            return null; // a stack trace's indentation stays
        }
        if (c == '\r') {
            return "\\r";
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f || c == 0x061c) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
