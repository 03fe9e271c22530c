package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.platform.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Stand-ins for the native helper, for {@code -Djdaemon.helper=}: the real one copied out, or a
 * script that wraps it to fail or stop at a chosen point; and what tests need to watch them.
 */
final class FakeHelper {

    private FakeHelper() {
    }

    /** The packaged helper for this platform, copied out of the class path to DIR/real-helper. */
    static Path realHelper(Path dir) {
        String resource = Platform.helperResource(Platform.current());
        Path target = dir.resolve("real-helper");
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = Hostile.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("helper resource %s on the test class path", resource).isNotNull();
            Files.write(target, in.readAllBytes());
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packaged helper's bytes. */
    static byte[] packagedHelper() {
        String resource = Platform.helperResource(Platform.current());
        try (InputStream in = Hostile.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("helper resource %s", resource).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an executable script. */
    static Path script(Path file, String text) {
        try {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A stand-in for the helper, for {@code -Djdaemon.helper=}: runs {@code before} (bash, with
     * {@code $opts} the helper's options as an array, {@code $prog} the JVM and {@code "$@"} the
     * JVM's arguments), then the real helper with the same options and {@code program} after
     * {@code --} (bash words, e.g. {@code "$prog" "$@"}).
     */
    static Path wrappedHelper(Path dir, String name, String before, String program) {
        Path real = realHelper(dir);
        return script(dir.resolve(name), "#!/bin/bash\n"
                + "# stand-in for jdaemon-helper (test): wraps " + real + "\n"
                + "opts=()\n"
                + "while [ $# -gt 0 ] && [ \"$1\" != \"--\" ]; do opts+=(\"$1\"); shift; done\n"
                + "shift\n"
                + "prog=\"$1\"; shift\n"
                + before + "\n"
                + "exec " + real + " \"${opts[@]}\" -- " + program + "\n");
    }

    /**
     * A helper whose daemon stops itself (SIGSTOP) right before it executes the JVM, with the PID
     * the daemon will have: a daemon that is spawned but never gets to run until it gets SIGCONT.
     */
    static Path stoppingHelper(Path dir) {
        Path stopper = script(dir.resolve("stop-before-exec.sh"),
                "#!/bin/bash\nkill -STOP $$\nexec \"$@\"\n");
        return wrappedHelper(dir, "stopping-helper.sh", "", stopper + " \"$prog\" \"$@\"");
    }

    /** The first process whose command line contains {@code token} and is stopped (state T). */
    static long awaitStopped(String token) {
        long[] found = new long[1];
        Example.awaitTrue(() -> {
            for (long pid : Proc.withArgument(token)) {
                if (state(pid) == 'T') {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        }, "a stopped process with " + token + " on its command line");
        return found[0];
    }

    /** kill -SIGNAL PID; whether it was delivered (false if the process is gone). */
    static boolean signalQuietly(long pid, String signal) {
        return Hostile.quietly(List.of("kill", "-" + signal, Long.toString(pid))) == 0;
    }

    /** Field 3 of /proc/PID/stat, or '?' if the process is gone. */
    static char state(long pid) {
        try {
            return new Proc(pid).stat().get(0).charAt(0);
        } catch (RuntimeException e) {
            return '?';
        }
    }
}
