package io.jdaemon.internal.os;

/**
 * Plain decimal numbers in the text the library reads: PIDs (from {@code /proc/self}, the
 * helper's {@code pid N}, a handshake directory's name), descriptor numbers, limits. Strict, as
 * text written by a program is: ASCII digits only, no sign, no spaces.
 */
public final class Decimal {

    private Decimal() {
    }

    /**
     * The number {@code text} spells: 1 to 10 ASCII digits, at most {@link Integer#MAX_VALUE}
     * (leading zeros allowed). 0 for anything else: empty, a sign, a space or newline, another
     * character (also non-ASCII digits), too large; and for {@code "0"}, so 0 means "none".
     */
    public static long parse(String text) {
        if (text.isEmpty() || text.length() > 10) {
            return 0;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return 0;
            }
        }
        long value = Long.parseLong(text);
        return value <= Integer.MAX_VALUE ? value : 0;
    }
}
