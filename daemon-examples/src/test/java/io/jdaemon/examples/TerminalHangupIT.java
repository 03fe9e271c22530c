package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The problem this library exists for: a service started from a terminal dies when that terminal
 * hangs up (the SSH link drops, the window closes), unless it is really detached. The example
 * runs inside a real pseudo-terminal made by {@code script}; killing {@code script} closes the
 * terminal's master side, and the kernel sends SIGHUP to the terminal's foreground processes.
 */
class TerminalHangupIT extends WithExample {

    Process terminal;

    @AfterEach
    void tearDown() {
        if (terminal != null) {
            terminal.destroyForcibly();
        }
    }

    @Test
    void aForegroundServiceDiesWithItsTerminal() throws Exception {
        terminal = inTerminal(String.join(" ", example.command("--port=0")));
        int port = Integer.parseInt(awaitOutput(terminal, "listening on port (\\d+)"));
        long pid = Long.parseLong(Example.get(port, "/pid"));
        assertThat(new Proc(pid).ttyNr()).isNotZero();

        hangUp();

        Example.awaitGone(pid);
        assertThat(Example.get(port, "/health")).isNull();
    }

    @Test
    void aDaemonKeepsServingAfterItsTerminalHangsUp() throws Exception {
        // The shell stays in the terminal after the launcher returns, so the hangup also has a
        // foreground process to kill: proof that it really happened.
        terminal = inTerminal(String.join(" ", example.daemonCommand()) + "; exec sleep 600");
        long pid = Long.parseLong(awaitOutput(terminal, "started, pid (\\d+)"));
        int port = example.port();
        long shell = awaitChild(terminal.pid());

        hangUp();

        Example.awaitGone(shell);
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(new Proc(pid).ttyNr()).isZero();
        assertThat(Example.get(port, "/health")).isEqualTo("ok");
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
    }

    /** Runs a shell command line inside a new pseudo-terminal. */
    private Process inTerminal(String commandLine) throws IOException {
        return new ProcessBuilder("script", "-qfec", commandLine, "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true).start();
    }

    /** Closes the terminal: kill script, which holds the master side. */
    private void hangUp() throws InterruptedException {
        terminal.destroyForcibly();
        assertThat(terminal.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static long awaitChild(long pid) {
        Proc parent = new Proc(pid);
        Example.awaitTrue(() -> !parent.children().isEmpty(), "a child of " + pid);
        List<Long> children = parent.children();
        return children.get(0);
    }

    /** Reads the terminal's output until the pattern's first group appears (bounded). */
    private static String awaitOutput(Process process, String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        StringBuilder seen = new StringBuilder();
        InputStream in = process.getInputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            if (in.available() == 0) {
                if (!process.isAlive() && in.available() == 0) {
                    break;
                }
                Example.sleep(20);
                continue;
            }
            int n = in.read(buf);
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            Matcher m = pattern.matcher(seen);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no '" + regex + "' in terminal output: " + seen);
    }
}
