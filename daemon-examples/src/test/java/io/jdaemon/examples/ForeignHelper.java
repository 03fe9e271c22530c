package io.jdaemon.examples;

import io.jdaemon.internal.platform.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the examples with another architecture's helper, under qemu-user. With
 * {@code -Dit.platform=linux-aarch64} (one failsafe execution per foreign platform in this
 * module's pom) every example is started with {@code -Djdaemon.helper=WRAPPER}, a script in the
 * test's own directory that runs {@code qemu-aarch64-static HELPER "$@"} on that platform's helper
 * from daemon-native's jar: the emulated helper forks, calls setsid, forks and execs this
 * machine's JVM, which runs natively. A test whose platform has no helper in the jar (its cross
 * compiler was missing) or no qemu here is skipped, with the reason. {@code -Dit.helper=PATH}
 * starts every example with that helper instead, as it is.
 */
final class ForeignHelper {

    /** Test JVM property: the packaged platform whose helper to run under qemu. */
    static final String PLATFORM_PROPERTY = "it.platform";
    /** Test JVM property: a helper executable to use as it is. */
    static final String HELPER_PROPERTY = "it.helper";

    private ForeignHelper() {
    }

    /** The JVM options that make an example in {@code dir} use the helper these properties name. */
    static List<String> jvmOptions(Path dir) {
        String helper = System.getProperty(HELPER_PROPERTY, "");
        String platform = System.getProperty(PLATFORM_PROPERTY, "");
        if (!helper.isBlank()) {
            return List.of("-Djdaemon.helper=" + helper);
        }
        if (!platform.isBlank()) {
            return List.of("-Djdaemon.helper=" + wrapper(dir, platform));
        }
        return List.of();
    }

    /**
     * Every platform a helper is built for except this machine's own, packaged or not (a test
     * with one that is not packaged is skipped and says why).
     */
    static List<String> foreignPlatforms() {
        List<String> foreign = new ArrayList<>();
        for (Platform.Target t : Platform.TARGETS) {
            if (!t.name().equals(Platform.current())) {
                foreign.add(t.name());
            }
        }
        return foreign;
    }

    /**
     * {@code DIR/foreign-PLATFORM/run-under-qemu}, made on first use: a script that notes its
     * PID in {@link #invocations} and execs qemu on a copy of the platform's helper. Skips the
     * test if there is no such helper or no qemu.
     */
    static Path wrapper(Path dir, String platform) {
        Path home = dir.resolve("foreign-" + platform);
        Path wrapper = home.resolve("run-under-qemu");
        if (Files.isExecutable(wrapper)) {
            return wrapper;
        }
        String resource = Platform.helperResource(platform);
        Assumptions.assumeTrue(Platform.packaged().contains(platform), () -> "no " + platform
                + " helper in daemon-native's jar: its cross compiler was not installed when it was"
                + " built (see the build's \"[jdaemon] helpers skipped\" line)");
        String qemu = "qemu-" + qemuArchitecture(platform) + "-static";
        Path qemuPath = onPath(qemu);
        Assumptions.assumeTrue(qemuPath != null, () -> qemu + " is not installed, so the "
                + platform + " helper cannot be run here (Debian: apt-get install qemu-user-static)");
        try (InputStream in = ForeignHelper.class.getClassLoader().getResourceAsStream(resource)) {
            Files.createDirectories(home);
            Path helper = home.resolve(Platform.HELPER_NAME);
            Files.write(helper, in.readAllBytes());
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
            return FakeHelper.script(wrapper, "#!/bin/sh\necho $$ >> '" + invocations(dir, platform)
                    + "'\nexec '" + qemuPath + "' '" + helper + "' \"$@\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file the wrapper appends its PID to, once per run of the helper. */
    static Path invocations(Path dir, String platform) {
        return dir.resolve("foreign-" + platform).resolve("invocations");
    }

    /** qemu-user's name for a platform's architecture. */
    static String qemuArchitecture(String platform) {
        switch (platform) {
            case "linux-x86":
                return "i386";
            case "linux-x86_64":
            case "linux-aarch64":
            case "linux-arm":
            case "linux-ppc64le":
            case "linux-s390x":
            case "linux-riscv64":
                return platform.substring("linux-".length());
            default:
                throw new IllegalArgumentException("no qemu-user architecture known for " + platform);
        }
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }
}
