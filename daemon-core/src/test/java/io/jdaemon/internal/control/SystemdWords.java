package io.jdaemon.internal.control;

import java.util.ArrayList;
import java.util.List;

/**
 * A test's own reading of a systemd setting's words, written from systemd.service(5) ("Command
 * lines") and systemd.syntax(7), independently of {@link SystemdUnit}'s quoting: {@code %%} is
 * one {@code %} (any other specifier is an error here), words are split on blanks, single and
 * double quotes group, C-style escapes are read, and on command lines {@code $$} is one
 * {@code $} (any other {@code $} would be a variable, an error here) except in the executable,
 * the first word, where systemd expands no variable.
 */
final class SystemdWords {

    private SystemdWords() {
    }

    static List<String> execWords(String value) {
        List<String> words = new ArrayList<>();
        for (String w : words(specifiers(value))) {
            // No variable in the executable: its $ is itself.
            words.add(words.isEmpty() ? w : dollars(w));
        }
        return words;
    }

    static List<String> environmentWords(String value) {
        return words(specifiers(value));
    }

    private static String specifiers(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                    out.append('%');
                    i++;
                } else {
                    throw new IllegalArgumentException("a specifier systemd would expand: " + value);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String dollars(String word) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '$') {
                if (i + 1 < word.length() && word.charAt(i + 1) == '$') {
                    out.append('$');
                    i++;
                } else {
                    throw new IllegalArgumentException("a variable systemd would expand: " + word);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i >= s.length()) {
                return words;
            }
            StringBuilder word = new StringBuilder();
            char quote = 0;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quote == 0 && (c == ' ' || c == '\t')) {
                    break;
                }
                if (c == '\\') {
                    i = escape(s, i + 1, word);
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                } else if (c < 0x20 || c == 0x7f) {
                    throw new IllegalArgumentException("a raw control character: " + s);
                } else {
                    word.append(c);
                }
            }
            if (quote != 0) {
                throw new IllegalArgumentException("unbalanced quotes: " + s);
            }
            words.add(word.toString());
        }
    }

    /** Reads the escape after a backslash at {@code i}; returns the index of its last char. */
    private static int escape(String s, int i, StringBuilder word) {
        if (i >= s.length()) {
            throw new IllegalArgumentException("a backslash at the end: " + s);
        }
        char c = s.charAt(i);
        switch (c) {
            case 'n': word.append('\n'); return i;
            case 't': word.append('\t'); return i;
            case 'r': word.append('\r'); return i;
            case 's': word.append(' '); return i;
            case '\\': case '"': case '\'': word.append(c); return i;
            case 'x':
                word.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                return i + 2;
            default:
                throw new IllegalArgumentException("an escape this reader does not know: \\" + c);
        }
    }
}
