package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.platform.ElfHeader;
import io.jdaemon.internal.platform.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each packaged helper of another architecture, run under qemu-user, really detaches a daemon:
 * a quick start, look from /proc and stop per platform. (The qemu-* failsafe executions then run
 * the core integration tests with each of them; {@link ForeignHelper}.) Skipped, with the reason,
 * for a platform whose helper was not built or whose qemu is not installed.
 */
class ForeignHelperIT extends WithExample {

    /** The platform of this failsafe execution, or every foreign one in the default execution. */
    static List<String> platforms() {
        String only = System.getProperty(ForeignHelper.PLATFORM_PROPERTY, "");
        return only.isBlank() ? ForeignHelper.foreignPlatforms() : List.of(only);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void theEmulatedHelperDetachesTheDaemon(String platform) throws Exception {
        Path wrapper = ForeignHelper.wrapper(dir, platform);
        ElfHeader elf = ElfHeader.read(Files.readAllBytes(wrapper.resolveSibling(Platform.HELPER_NAME)));
        assertThat(elf.isFor(Platform.target(platform))).as(elf.describe()).isTrue();
        assertThat(elf.isFor(Platform.target(Platform.current()))).as(elf.describe()).isFalse();
        List<String> useIt = List.of("-Djdaemon.helper=" + wrapper);

        Example.Result r = example.run(Hostile.daemonCommand(example, useIt));

        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        assertThat(Files.readAllLines(ForeignHelper.invocations(dir, platform))).hasSize(1);
        Proc daemon = new Proc(r.startedPid());
        assertThat(example.pidFileContent()).isEqualTo(daemon.pid + "\n");
        assertThat(daemon.ppid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(daemon.session()).isNotEqualTo(daemon.pid);
        assertThat(daemon.pgrp()).isNotEqualTo(daemon.pid);
        assertThat(daemon.ttyNr()).isZero();
        assertThat(Proc.mask(daemon.status("SigBlk"))).isZero();
        assertThat(daemon.cmdline().get(0)).isEqualTo(Example.JAVA); // the JVM runs natively
        assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");

        List<String> stop = example.controlCommand("stop");
        Example.Result stopped = example.run(stop);
        assertThat(stopped.exit()).as(stopped.err()).isZero();
        assertThat(daemon.alive()).isFalse();
    }

    /** In a qemu-* execution, the harness starts every example with the emulated helper. */
    @Test
    void theHarnessStartsExamplesWithTheEmulatedHelper() throws Exception {
        String platform = System.getProperty(ForeignHelper.PLATFORM_PROPERTY, "");
        Assumptions.assumeFalse(platform.isBlank(), "only in the qemu-* failsafe executions");

        long pid = example.startDaemon();

        assertThat(Files.exists(ForeignHelper.invocations(dir, platform)))
                .as("the %s wrapper ran", platform).isTrue();
        assertThat(Files.readAllLines(ForeignHelper.invocations(dir, platform))).hasSize(1);
        assertThat(new Proc(pid).cmdline().get(0)).isEqualTo(Example.JAVA);
    }
}
