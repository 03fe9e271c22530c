package io.jdaemon.internal.helper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jdaemon.internal.os.Decimal;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link HelperProtocol} and daemon-native's protocol.h say the same: every {@code PROTOCOL_X}
 * there is {@code X} here with the same value and type, and every constant here is there.
 */
class HelperProtocolTest {

    /** protocol.h, from daemon-core's directory (where Maven runs the tests). */
    private static final String HEADER = "../daemon-native/src/main/c/protocol.h";

    private static final Pattern DEFINE = Pattern.compile("^\\s*#\\s*define\\s+(\\w+)(.*)$");
    /** A define's value: a string or decimal literal, then at most a comment. */
    private static final Pattern VALUE = Pattern.compile(
            "\\s+(?:\"((?:[^\"\\\\]|\\\\[\"\\\\])*)\"|(-?[0-9]+))\\s*(?:/\\*.*\\*/\\s*)?");

    @Test
    void javaAndCDefineTheSameConstants() throws IOException {
        Map<String, Object> c = header();
        Map<String, Object> java = javaConstants();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> e : c.entrySet()) {
            if (!java.containsKey(e.getKey())) {
                problems.add("PROTOCOL_" + e.getKey() + " is in protocol.h but HelperProtocol has no "
                        + e.getKey());
            } else if (!java.get(e.getKey()).equals(e.getValue())) {
                problems.add(e.getKey() + " is " + show(java.get(e.getKey())) + " in HelperProtocol but "
                        + show(e.getValue()) + " in protocol.h");
            }
        }
        for (String name : java.keySet()) {
            if (!c.containsKey(name)) {
                problems.add("HelperProtocol." + name + " is not in protocol.h (as PROTOCOL_" + name + ")");
            }
        }
        assertThat(problems).as("differences between protocol.h and HelperProtocol").isEmpty();
        assertThat(c).as("constants in protocol.h").hasSizeGreaterThan(20);
    }

    @Test
    void aFailureLineIsRecognisedByWhatFailedAndItsError() {
        assertThat(HelperProtocol.failedWith("jdaemon-helper: cannot fork: errno 11 (EAGAIN)",
                HelperProtocol.FORK_FAILED, HelperProtocol.EAGAIN)).isTrue();
        assertThat(HelperProtocol.failedWith("cannot fork: errno 11 (EAGAIN)",
                HelperProtocol.FORK_FAILED, HelperProtocol.EAGAIN)).isTrue();
        assertThat(HelperProtocol.failedWith("cannot execute /usr/bin/java: errno 7 (E2BIG)",
                HelperProtocol.EXEC_FAILED, HelperProtocol.E2BIG)).isTrue();

        assertThat(HelperProtocol.failedWith("cannot fork: errno 12 (ENOMEM)",
                HelperProtocol.FORK_FAILED, HelperProtocol.EAGAIN)).isFalse();
        assertThat(HelperProtocol.failedWith("cannot execute /x (EAGAIN)",
                HelperProtocol.FORK_FAILED, HelperProtocol.EAGAIN)).isFalse();
        assertThat(HelperProtocol.failedWith("cannot execute /usr/bin/java: errno 7 (E2BIG)",
                HelperProtocol.FORK_FAILED, HelperProtocol.E2BIG)).isFalse();
        assertThat(HelperProtocol.failedWith("cannot fork (EAGAIN)",
                HelperProtocol.FORK_FAILED, HelperProtocol.EAGAIN)).as("no errno").isFalse();
    }

    /** The helper's PID rule (pid.c) is Decimal's, bounds included. */
    @Test
    void javaReadsPidsByTheHelpersRule() {
        String max = Integer.toString(HelperProtocol.PID_MAX);
        assertThat(Decimal.parse(max)).isEqualTo(HelperProtocol.PID_MAX);
        assertThat(Decimal.parse(Long.toString(HelperProtocol.PID_MAX + 1L))).isZero();
        assertThat(Decimal.parse("0".repeat(HelperProtocol.PID_MAX_DIGITS - 1) + "7")).isEqualTo(7);
        assertThat(Decimal.parse("0".repeat(HelperProtocol.PID_MAX_DIGITS) + "7")).isZero();
        assertThat(Decimal.parse("0")).isZero();

        assertThat(HelperProcess.pidIn(HelperProtocol.PID_LINE + "4242")).isEqualTo(4242);
        assertThat(HelperProcess.pidIn(HelperProtocol.PID_LINE + "twelve")).isZero();
        assertThat(HelperProcess.pidIn(HelperProtocol.PREFIX + "pid 4242")).isZero();
    }

    @Test
    void thePrefixIsTakenOffTheHelpersLinesOnly() {
        assertThat(HelperProtocol.withoutPrefix("jdaemon-helper: cannot do it")).isEqualTo("cannot do it");
        assertThat(HelperProtocol.withoutPrefix("something else")).isEqualTo("something else");
    }

    /** Every PROTOCOL_ define of protocol.h, by its name without the prefix. */
    private static Map<String, Object> header() throws IOException {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        Path file = Path.of(basedir).resolve(HEADER).normalize();
        if (!Files.isRegularFile(file)) {
            fail("protocol.h not found at " + file + " (resolved from " + basedir + "/" + HEADER
                    + "); run the tests from daemon-core's directory, as Maven does");
        }
        Map<String, Object> constants = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher define = DEFINE.matcher(line);
            if (!define.matches() || define.group(1).equals("JDAEMON_PROTOCOL_H")) {
                continue;
            }
            String name = define.group(1);
            if (!name.startsWith("PROTOCOL_")) {
                fail("protocol.h defines " + name + ": every constant there is named PROTOCOL_...");
            }
            Matcher value = VALUE.matcher(define.group(2));
            if (!value.matches()) {
                fail("protocol.h: " + name + " is not a string or decimal literal on one line: " + line);
            }
            Object parsed = value.group(1) != null
                    ? value.group(1).replace("\\\"", "\"").replace("\\\\", "\\")
                    : (Object) Integer.valueOf(value.group(2));
            if (constants.put(name.substring("PROTOCOL_".length()), parsed) != null) {
                fail("protocol.h defines " + name + " twice");
            }
        }
        return constants;
    }

    /** Every public static final String or int of HelperProtocol. */
    private static Map<String, Object> javaConstants() {
        Map<String, Object> constants = new TreeMap<>();
        for (Field f : HelperProtocol.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m)) {
                continue;
            }
            if (!Modifier.isPublic(m) || !Modifier.isFinal(m)
                    || f.getType() != String.class && f.getType() != int.class) {
                fail("HelperProtocol." + f.getName() + " is not a public static final String or int");
            }
            try {
                constants.put(f.getName(), f.get(null));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return constants;
    }

    private static String show(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
