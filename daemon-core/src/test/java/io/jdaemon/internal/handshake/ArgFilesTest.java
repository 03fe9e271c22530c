package io.jdaemon.internal.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values marked "JDK 17" were checked against the real {@code java} launcher of JDK 17
 * ({@code java @file} with a main class printing its arguments).
 */
class ArgFilesTest {

    @Test
    void emptyTextGivesNoArguments() {
        assertThat(ArgFiles.tokens("")).isEmpty();
        assertThat(ArgFiles.tokens(" \t\r\n\f ")).isEmpty();
    }

    @Test
    void whiteSpaceSeparates() {
        assertThat(ArgFiles.tokens("-cp lib/a.jar\tMain\r\narg1\n\narg2\f arg3  "))
                .containsExactly("-cp", "lib/a.jar", "Main", "arg1", "arg2", "arg3");
    }

    @Test
    void hashAtTokenStartIsAComment() {
        assertThat(ArgFiles.tokens("# a comment with \"quotes' and words\n-cp x # trailing\r\nMain\n#last"))
                .containsExactly("-cp", "x", "Main");
    }

    @Test
    void hashInsideATokenOrQuotesIsKept() {
        assertThat(ArgFiles.tokens("-Dx=a#b \"#c\" '#d'")).containsExactly("-Dx=a#b", "#c", "#d");
    }

    @Test
    void quotesKeepWhiteSpace() {
        assertThat(ArgFiles.tokens("\"a b\" 'c  d' \"e\tf\""))
                .containsExactly("a b", "c  d", "e\tf");
    }

    @Test
    void eachQuoteKindKeepsTheOther() {
        assertThat(ArgFiles.tokens("\"it's\" 'say \"hi\"'")).containsExactly("it's", "say \"hi\"");
    }

    @Test
    void escapesInsideQuotes() {
        assertThat(ArgFiles.tokens("\"a\\nb\" 'c\\td' \"e\\\\f\" \"g\\\"h\" 'i\\'j' \"k\\rl\" \"m\\fn\""))
                .containsExactly("a\nb", "c\td", "e\\f", "g\"h", "i'j", "k\rl", "m\fn");
    }

    @Test
    void otherEscapedCharactersStandForThemselves() {
        // JDK 17: "a\qb" -> aqb
        assertThat(ArgFiles.tokens("\"a\\qb\"")).containsExactly("aqb");
    }

    @Test
    void backslashOutsideQuotesIsLiteral() {
        // JDK 17: a\ b -> [a\, b] and -Dx=a\\b -> -Dx=a\\b
        assertThat(ArgFiles.tokens("a\\ b -Dx=a\\\\b")).containsExactly("a\\", "b", "-Dx=a\\\\b");
    }

    @Test
    void lineContinuationInsideQuotes() {
        assertThat(ArgFiles.tokens("\"abc\\\n    def\" next")).containsExactly("abcdef", "next");
        assertThat(ArgFiles.tokens("\"abc\\\r\n \t def\"")).containsExactly("abcdef");
        assertThat(ArgFiles.tokens("'a\\\n  b\\\n  c' y")).containsExactly("abc", "y");
    }

    @Test
    void continuationKeepsEscapesOnTheNextLine() {
        assertThat(ArgFiles.tokens("\"a\\\n  \\tb\"")).containsExactly("a\tb");
    }

    @Test
    void adjacentPartsJoin() {
        assertThat(ArgFiles.tokens("-Dx=\"a b\"c")).containsExactly("-Dx=a bc");
        assertThat(ArgFiles.tokens("a\"b c\"d 'e'\"f\"g")).containsExactly("ab cd", "efg");
    }

    @Test
    void emptyQuotedArgument() {
        assertThat(ArgFiles.tokens("x \"\" y '' z")).containsExactly("x", "", "y", "", "z");
        assertThat(ArgFiles.tokens("\"\"\n")).containsExactly("");
    }

    @Test
    void realisticArgFile() {
        String text = "# generated\n"
                + "-cp lib/a.jar:lib/b.jar\n"
                + "-Dmessage=\"hello world\"\n"
                + "-Dpath='/opt/my app'   # where it lives\n"
                + "--add-opens java.base/java.lang=ALL-UNNAMED\n"
                + "com.example.Main\n";
        assertThat(ArgFiles.tokens(text)).containsExactly("-cp", "lib/a.jar:lib/b.jar",
                "-Dmessage=hello world", "-Dpath=/opt/my app", "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "com.example.Main");
    }

    @Test
    void newlineEndsAQuotedArgumentAsInTheJdk() {
        // JDK 17 with this file: -Dx="a b | -cp lib Main -> [-Dx=a b, -cp, lib, Main]
        assertThat(ArgFiles.tokens("-Dx=\"a b\n-cp lib Main\n"))
                .containsExactly("-Dx=a b", "-cp", "lib", "Main");
        // JDK 17: "a\rb" -> [a, b]
        assertThat(ArgFiles.tokens("\"a\rb\"")).containsExactly("a", "b");
    }

    @Test
    void textIsReadBackAsExactlyTheArguments() {
        List<String> args = List.of("-Dpassword=p a\"s's\\w#rd", "", "-cp", "/a b/x.jar:/c",
                "#not-a-comment", "@literal", "line\nbreak\ttab\rcr\fff", "-Dq=\"", "\\", "ünï");
        assertThat(ArgFiles.tokens(ArgFiles.text(args))).containsExactlyElementsOf(args);
        assertThat(ArgFiles.text(List.of())).isEmpty();
    }
}
