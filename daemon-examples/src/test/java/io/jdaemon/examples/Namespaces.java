package io.jdaemon.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Mounts and mount namespaces: a tmpfs of chosen options, a system without /proc. */
final class Namespaces {

    private Namespaces() {
    }

    /** Mounts a tmpfs with these options on DIR, or skips the test if that is not permitted. */
    static void mountTmpfsOrSkip(Path dir, String options) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int rc = Hostile.quietly(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
        Assumptions.assumeTrue(rc == 0, "mount -t tmpfs -o " + options + " is not permitted here (exit "
                + rc + ")");
    }

    /** Unmounts DIR if something is mounted there. */
    static void unmount(Path dir) {
        if (dir != null && Files.isDirectory(dir)) {
            Hostile.quietly(List.of("umount", dir.toString()));
        }
    }

    /**
     * {@code cmd} in a new mount namespace whose /proc is an empty tmpfs: a system without /proc
     * for that process and what it starts. The JVM's own libraries are put on LD_LIBRARY_PATH,
     * since without /proc/self/exe the dynamic loader cannot resolve {@code $ORIGIN}.
     */
    static ProcessBuilder withoutProc(List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private",
                "sh", "-c", "mount -t tmpfs noproc /proc && exec \"$@\"", "sh"));
        out.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(out);
        String home = System.getProperty("java.home");
        pb.environment().put("LD_LIBRARY_PATH", home + "/lib:" + home + "/lib/server");
        return pb;
    }

    /** Skips unless a JVM can run in a mount namespace with an empty /proc. */
    static void assumeCanHideProc() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root for a mount namespace without /proc");
        int rc = Hostile.quietly(withoutProc(List.of(Example.JAVA, "-version")));
        Assumptions.assumeTrue(rc == 0, "cannot run a JVM in a mount namespace with an empty /proc "
                + "(unshare/mount not permitted here, exit " + rc + ")");
    }
}
