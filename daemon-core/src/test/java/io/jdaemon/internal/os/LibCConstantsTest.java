package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.platform.Platform;
import java.io.IOException;
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
 * LibC's table of native constants against the C library's headers, for every helper platform
 * the build compiled: daemon-native's build compiles {@code linux-constants.c} to assembly with
 * each platform's compiler, where each value is a line {@code ->NAME VALUE}.
 */
class LibCConstantsTest {

    private static final Path BUILD = Path.of("..", "daemon-native", "target", "cmake");
    private static final Pattern LINE = Pattern.compile("->(\\w+) [$#]?(-?\\d+)");

    @Test
    void everyPlatformsConstantsAreThoseOfItsCHeaders() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Platform.Target target : Platform.TARGETS) {
            String platform = target.name();
            Path assembly = BUILD.resolve(platform).resolve("linux-constants.s");
            if (!Files.isRegularFile(assembly)) {
                continue; // not built here (no cross compiler): the build said so
            }
            Map<String, Integer> headers = new TreeMap<>();
            Matcher m = LINE.matcher(Files.readString(assembly));
            while (m.find()) {
                headers.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            assertThat(headers).as("constants in %s", assembly).hasSize(namedInSource());
            assertThat(new TreeMap<>(LibC.linuxConstants(platform))).as(platform).isEqualTo(headers);
            checked.add(platform);
        }
        String host = Platform.name(System.getProperty("os.name"), System.getProperty("os.arch"));
        assertThat(checked).as("platforms built in %s", BUILD.toAbsolutePath()).contains(host);
    }

    /** How many constants linux-constants.c names: each must reach the assembly. */
    private static int namedInSource() throws IOException {
        Path source = Path.of("..", "daemon-native", "src", "main", "c", "constants", "linux-constants.c");
        return (int) Files.readAllLines(source).stream().filter(l -> l.strip().startsWith("CONSTANT(")).count();
    }

    @Test
    void noFollowIsNotDirectOnPowerPc() {
        // 0400000 is O_DIRECT on powerpc: the log would lose its symlink protection there.
        assertThat(LibC.linuxConstants("linux-ppc64le").get("O_NOFOLLOW")).isEqualTo(0100000);
        assertThat(LibC.linuxConstants("linux-x86_64").get("O_NOFOLLOW")).isEqualTo(0400000);
    }
}
