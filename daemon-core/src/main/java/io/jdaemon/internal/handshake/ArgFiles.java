package io.jdaemon.internal.handshake;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of a {@code java} argument file ({@code @file}) into arguments the way the
 * {@code java} launcher does: white space separates, {@code #} at the start of an argument begins
 * a comment to the end of the line, single or double quotes keep white space, and inside quotes a
 * backslash escapes the next character ({@code \n}, {@code \t}, {@code \r}, {@code \f}) or, at the
 * end of a line, continues the argument on the next line without its leading white space. As in
 * the JDK, a quote left open ends with its line.
 */
public final class ArgFiles {

    private ArgFiles() {
    }

    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder token = null;
        char quote = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\n' || c == '\r') {
                    quote = 0;
                    out.add(token.toString());
                    token = null;
                } else if (c == '\\' && i + 1 < n) {
                    char e = text.charAt(++i);
                    if (e == '\n' || e == '\r') {
                        if (e == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                            i++;
                        }
                        while (i + 1 < n && isSpace(text.charAt(i + 1))) {
                            i++;
                        }
                    } else {
                        token.append(unescape(e));
                    }
                } else {
                    token.append(c);
                }
            } else if (isSpace(c)) {
                if (token != null) {
                    out.add(token.toString());
                    token = null;
                }
            } else if (c == '#' && token == null) {
                while (i + 1 < n && text.charAt(i + 1) != '\n' && text.charAt(i + 1) != '\r') {
                    i++;
                }
            } else {
                if (token == null) {
                    token = new StringBuilder();
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                } else {
                    token.append(c);
                }
            }
        }
        if (token != null) {
            out.add(token.toString());
        }
        return out;
    }

    /**
     * The text of an argument file holding exactly {@code args}, as {@link #tokens} and the
     * {@code java} launcher read it: each argument double-quoted on a line of its own, with a
     * backslash before a backslash or a double quote, and line breaks, tabs and form feeds
     * written as escapes.
     */
    public static String text(List<String> args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) {
            out.append('"');
            for (int i = 0; i < arg.length(); i++) {
                char c = arg.charAt(i);
                switch (c) {
                    case '\\':
                    case '"':
                        out.append('\\').append(c);
                        break;
                    case '\n':
                        out.append("\\n");
                        break;
                    case '\r':
                        out.append("\\r");
                        break;
                    case '\t':
                        out.append("\\t");
                        break;
                    case '\f':
                        out.append("\\f");
                        break;
                    default:
                        out.append(c);
                }
            }
            out.append("\"\n");
        }
        return out.toString();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static char unescape(char c) {
        switch (c) {
            case 'n':
                return '\n';
            case 't':
                return '\t';
            case 'r':
                return '\r';
            case 'f':
                return '\f';
            default:
                return c;
        }
    }
}
