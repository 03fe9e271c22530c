package io.jdaemon.internal.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The helper reads every PID by one strict rule (pid.c, protocol.h): 1 to 10 ASCII digits, 1 to
 * 2147483647, nothing else; a pidfile may add one newline. Checked on this platform's built
 * helper, from its command line ({@code --control signal}'s PID, {@code --launcher-pid}) and from
 * a pidfile ({@code --control query}'s CONTENT). The exit statuses are protocol.h's.
 */
class HelperPidRuleTest {

    private static final int USAGE = 2; // PROTOCOL_EXIT_USAGE
    private static final int FAILED = 1; // PROTOCOL_EXIT_FAILED
    private static final int GONE = 3; // PROTOCOL_CONTROL_GONE

    @TempDir
    static Path dir;
    private static Path helper;

    @BeforeAll
    static void copyHelper() throws IOException {
        String resource = Platform.helperResource(Platform.current());
        helper = dir.resolve("jdaemon-helper");
        try (InputStream in = Platform.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("class-path resource %s", resource).isNotNull();
            Files.write(helper, in.readAllBytes());
        }
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"1", "2147483647", "0000000001", "4194304"})
    void aPidIsAccepted(String pid) throws Exception {
        // No pidfile there: a PID that passes is answered with GONE, one that does not with USAGE.
        assertThat(run("--control", "signal", dir.resolve("absent.pid").toString(), pid, "0").exit)
                .isEqualTo(GONE);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "0", "0000000000", "00000000001", "2147483648", "9999999999",
        "99999999999999999999", "-1", "+1", " 1", "1 ", "12\n", "1a", "0x10", "\u0661"})
    void anythingElseIsNotAPid(String pid) throws Exception {
        Result signal = run("--control", "signal", dir.resolve("absent.pid").toString(), pid, "0");
        assertThat(signal.exit).isEqualTo(USAGE);
        assertThat(signal.err).startsWith("jdaemon-helper: usage: ");

        Result launcher = run("--launcher-pid", pid, "--", "/bin/true");
        assertThat(launcher.exit).isEqualTo(USAGE);
        assertThat(launcher.err).isEqualTo("jdaemon-helper: invalid --launcher-pid (a pid expected): "
                + pid + "\n");
    }

    @Test
    void aLauncherPidThatIsAPidButNotTheParentIsRefusedAsGone() throws Exception {
        Result r = run("--launcher-pid", "0000000001", "--", "/bin/true");
        assertThat(r.exit).isEqualTo(FAILED);
        assertThat(r.err).isEqualTo("jdaemon-helper: the launcher, pid 1, is gone\n");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"123", "123\n", "0000000123", "0000000123\n"})
    void aPidfileNamesAPidWithAtMostOneNewline(String content) throws Exception {
        assertThat(contentOf(content)).isEqualTo("123");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "\n", "0\n", "123\n\n", "\n123", " 123", "123 ", "00000000123",
        "2147483648\n", "-123", "123\r\n"})
    void aPidfileWithAnythingElseNamesNoPid(String content) throws Exception {
        assertThat(contentOf(content)).isEqualTo("0");
    }

    /** The CONTENT field of the helper's query of a pidfile holding {@code content}. */
    private static String contentOf(String content) throws Exception {
        Path pidFile = Files.createTempFile(dir, "content", ".pid");
        Files.writeString(pidFile, content);
        Result r = run("--control", "query", pidFile.toString());
        assertThat(r.exit).as(r.err).isZero();
        String[] fields = r.out.split(" ");
        assertThat(fields).as(r.out).hasSize(5);
        return fields[2];
    }

    private static Result run(String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(helper.toString());
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            // Both are a line at most, far below a pipe's buffer: read after the exit.
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the helper exits").isTrue();
            return new Result(p.exitValue(),
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }
}
