package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The native calls that are not covered by the integration tests' daemons. */
@EnabledOnOs(OS.LINUX)
class LibCTest {

    private interface Env extends Library {
        Env INSTANCE = Native.load("c", Env.class);

        int setenv(String name, String value, int overwrite);
    }

    /** What a child started with an untouched ProcessBuilder environment sees of a variable. */
    private static String childSees(String name) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo \"${" + name + "-unset}\"").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    @Test
    void unsetenvHidesAVariableFromChildProcesses() throws Exception {
        String name = "JDAEMON_LIBC_TEST_" + ProcessHandle.current().pid();
        Env.INSTANCE.setenv(name, "inherited", 1);
        assertThat(childSees(name)).isEqualTo("inherited");

        LibC.unsetenv(name);

        assertThat(childSees(name)).isEqualTo("unset");
    }
}
