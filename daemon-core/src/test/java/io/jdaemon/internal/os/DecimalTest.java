package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.pidfile.PidFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Decimal#parse}: ASCII digits only, an int's range, 0 for anything else. */
class DecimalTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'1'          | 1",
        "'123'        | 123",
        "'007'        | 7",
        "'2147483647' | 2147483647",
        "'2147483648' | 0",
        "'9999999999' | 0",
        "'12345678901' | 0",
        "''           | 0",
        "'0'          | 0",
        "'-5'         | 0",
        "'+5'         | 0",
        "' 5'         | 0",
        "'5 '         | 0",
        "'5\\n'       | 0",
        "'0x1f'       | 0",
        "'1e3'        | 0",
    })
    void parse(String text, long expected) {
        String s = text.replace("\\n", "\n");
        assertThat(Decimal.parse(s)).as("parse(%s)", text).isEqualTo(expected);
    }

    @Test
    void nonAsciiDigitsAreNotDigits() {
        assertThat(Decimal.parse("\u0661\u0662\u0663")).isZero(); // Arabic-Indic digits
        assertThat(Decimal.parse("\uFF11\uFF12")).isZero(); // full-width digits
    }

    /** A pidfile's content may end in one newline; nothing else may. */
    @Test
    void aPidFileAddsOnlyItsOneNewline() {
        assertThat(PidFile.parse("42\n")).isEqualTo(42);
        assertThat(Decimal.parse("42\n")).isZero();
        assertThat(PidFile.parse("42\n\n")).isZero();
    }
}
