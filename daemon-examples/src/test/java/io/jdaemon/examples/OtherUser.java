package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Commands run as user {@code nobody} (through {@code setpriv}), and directories of theirs. */
final class OtherUser {

    static final List<String> NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
            "--clear-groups");

    /** The start of a shell command line that runs its next word (a quoted script) as nobody. */
    static final String NOBODY_SHELL = "setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c";

    private OtherUser() {
    }

    /** Skips unless this runs as root with setpriv, which can switch to nobody. */
    static void assumeCanRunAsNobody() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to run commands as user nobody; this runs as " + System.getProperty("user.name"));
        Assumptions.assumeTrue(Hostile.quietly(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "true")) == 0, "setpriv (util-linux) cannot switch to user nobody here");
    }

    /** {@code cmd} run as user nobody. */
    static List<String> asNobody(List<String> cmd) {
        List<String> out = new ArrayList<>(NOBODY);
        out.addAll(cmd);
        return out;
    }

    /** Makes a directory owned by nobody:nogroup, mode 0755. */
    static Path nobodyDir(Path dir) {
        try {
            Files.createDirectories(dir);
            assertThat(Hostile.quietly(List.of("chown", "nobody:nogroup", dir.toString()))).isZero();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
