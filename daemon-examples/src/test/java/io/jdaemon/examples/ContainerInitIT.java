package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * As PID 1 of a PID namespace (a container's init) the service must not detach: the kernel ends
 * the namespace when its init exits. {@code unshare --pid --fork --mount-proc} makes one.
 */
class ContainerInitIT extends WithExample {

    Process container;

    @BeforeEach
    void setUp() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true")
                .redirectErrorStream(true).start();
        boolean done = probe.waitFor(30, TimeUnit.SECONDS);
        assumeTrue(done && probe.exitValue() == 0,
                "unshare --pid --fork --mount-proc is not permitted here (needs root or user namespaces)");
    }

    @AfterEach
    void tearDown() {
        if (container != null) {
            container.destroyForcibly();
        }
    }

    @Test
    void asPid1OfItsNamespaceItStaysInTheForegroundAndServes() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
        cmd.addAll(example.daemonCommand());
        container = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr.txt").toFile()).start();

        int port = example.port();
        assertThat(Example.get(port, "/pid")).isEqualTo("1");
        assertThat(Example.get(port, "/health")).isEqualTo("ok");
        assertThat(container.isAlive()).as("the container's init did not exit").isTrue();
        assertThat(Files.readString(dir.resolve("stderr.txt"))).isEqualTo("daemon-examples: running "
                + "as PID 1 of its PID namespace (a container's init): staying in the foreground, "
                + "since the namespace ends when its init exits\n");
        assertThat(example.pidFileContent()).isEqualTo("1\n");
    }
}
