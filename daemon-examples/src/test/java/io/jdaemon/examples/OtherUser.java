package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Commands run as user {@code nobody} (through {@code setpriv}), directories of theirs, and what
 * the tests that create users of their own share (the jar where such a user can read it, the
 * user's removal).
 */
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
    /**
     * The example jar if {@code canRead} (a command run as the test's user, to which the jar's
     * path is appended) can read it where it is, else a world-readable copy in a new directory,
     * which {@link #removeJarCopy} removes.
     */
    static Path readableJar(List<String> canRead) throws IOException {
        Path real = Example.JAR.toAbsolutePath();
        List<String> test = new ArrayList<>(canRead);
        test.add(real.toString());
        if (Hostile.quietly(test) == 0) {
            return real;
        }
        Path copyDir = Files.createTempDirectory("jdaemon-user-jar-");
        Files.setPosixFilePermissions(copyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = Files.copy(real, copyDir.resolve("daemon-examples.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        return copy;
    }

    /** Removes what {@link #readableJar} copied, if it copied ({@code jar} may be null). */
    static void removeJarCopy(Path jar) throws IOException {
        if (jar != null && !jar.equals(Example.JAR.toAbsolutePath())) {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(jar.getParent());
        }
    }

    /**
     * Removes a user the test created, once no process of theirs is left (userdel refuses while
     * one exists, a zombie not yet reaped too), and then the groups named.
     */
    static void removeUser(String user, String... groups) {
        Example.awaitTrue(() -> Hostile.quietly(List.of("pgrep", "-u", user)) == 1,
                "the processes of user " + user + " to be gone");
        Hostile.quietly(List.of("userdel", user));
        for (String group : groups) {
            Hostile.quietly(List.of("groupdel", group));
        }
    }
}
