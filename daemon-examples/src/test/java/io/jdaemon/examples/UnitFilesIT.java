package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped systemd unit files are valid for systemd itself. */
class UnitFilesIT {

    private static final Path UNITS = Path.of("systemd");

    @Test
    void systemdAcceptsTheUnitFiles() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        Process p = new ProcessBuilder(analyze.toString(), "verify",
                UNITS.resolve("daemon-examples-forking.service").toAbsolutePath().toString(),
                UNITS.resolve("daemon-examples-notify.service").toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze's warnings").isEmpty();
    }
}
