package io.jdaemon.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void controlCharactersAreEscapedLineBreaksAndTabsKept() {
        String hostile = "title \u001b]0;pwned\u0007 clear \u001b[2J\u001b[H prompt\rroot# \u009b31m \u202eevil"
                + "\n\tat x.Y(Y.java:1) \u0000\u007f";
        assertThat(Report.printable(hostile)).isEqualTo("title \\x1b]0;pwned\\x07 clear \\x1b[2J\\x1b[H "
                + "prompt\\rroot# \\u009b31m \\u202eevil\n\tat x.Y(Y.java:1) \\x00\\x7f");
        assertThat(Report.printable("plain: /a b/ü, pid 42")).isEqualTo("plain: /a b/ü, pid 42");
    }
}
