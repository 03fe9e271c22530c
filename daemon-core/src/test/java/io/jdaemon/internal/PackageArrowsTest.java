package io.jdaemon.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the internal packages point down only (docs/ARCHITECTURE.md): a class
 * names classes of packages below its own in {@link #ORDER}, never of one above, so each stage can
 * be read without the stages that use it. Read from the sources: imports and fully qualified names.
 */
class PackageArrowsTest {

    /** Top to bottom; the root ({@code ""}) holds Dispatch, the road a command line takes. */
    static final List<String> ORDER = List.of("", "control", "launch", "daemon", "pidfile", "helper",
            "listen", "cli", "jvm", "handshake", "os", "platform");

    private static final Path SOURCES = Path.of("src/main/java/io/jdaemon/internal");
    private static final Pattern REFERENCE = Pattern.compile("io\\.jdaemon\\.internal\\.(?:([a-z]+)\\.)?[A-Z]");

    @Test
    void everyInternalPackageIsInTheOrder() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
                    .allMatch(ORDER::contains);
        }
    }

    @Test
    void noReferencePointsUp() throws IOException {
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(file).getParent();
                String from = dir == null ? "" : dir.toString();
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1) == null ? "" : m.group(1);
                    if (ORDER.indexOf(to) < ORDER.indexOf(from)) {
                        upward.add(SOURCES.relativize(file) + " names a class of " + (to.isEmpty() ? "the root" : to));
                    }
                }
            }
        }
        assertThat(upward).isEmpty();
    }

    /** The check reads the references it claims to read (a package with known arrows). */
    @Test
    void theCheckSeesControlsArrows() throws IOException {
        String control = Files.readString(SOURCES.resolve("control/Control.java"));
        Matcher m = REFERENCE.matcher(control);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            seen.add(m.group(1));
        }
        assertThat(seen).contains("launch", "pidfile");
    }
}
