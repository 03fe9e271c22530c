package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.helper.HelperBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The helper root executes must be one nobody else could have replaced (issue 10, item 3): the
 * cache directory and every ancestor, and a {@code -Djdaemon.helper} override's directory and
 * file, belong to root or this user and are not writable by others. Attacks run as user
 * {@code nobody} (setpriv) against a root launcher.
 */
class HelperTrustIT extends WithExample {

    private static final String NAME = "daemon-examples";
    /** Starts of the launcher while the attacker swaps the cache directory. */
    private static final int RACE_STARTS = 30;

    Path marker;
    Path nb;

    @BeforeEach
    void setUp() throws Exception {
        // nobody must be able to enter the test's directory, but not write it
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        marker = dir.resolve("impostor-ran");
    }

    /** An impostor helper: a script that, if root ever runs it, leaves the marker file. */
    private String impostor() {
        return "#!/bin/sh\ntouch " + marker + "\nexit 1\n";
    }

    /**
     * nobody owns the parent of the cache directory and keeps swapping (rename) the cache
     * directory with one of theirs holding an impostor under the helper's file name, while root
     * starts {@value #RACE_STARTS} times: each start is refused with the path named, and root never
     * runs the impostor.
     */
    @Test
    void aCacheDirectoryInADirectoryAnotherUserOwnsIsRefusedAndTheirSwapNeverRuns() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        nb = OtherUser.nobodyDir(dir.resolve("nb"));
        Path cache = nb.resolve("cache");
        String helperName = HelperBinary.fileName(FakeHelper.packagedHelper());
        Path swapper = FakeHelper.script(dir.resolve("swap.sh"), "#!/bin/bash\n"
                + "cd " + nb + " || exit 1\n"
                + "mkdir -p evil && printf '%s' '" + impostor() + "' > evil/" + helperName
                + " && chmod 500 evil/" + helperName + " && chmod 700 evil\n"
                + "while true; do\n"
                + "  mv cache real 2>/dev/null; mv evil cache 2>/dev/null\n"
                + "  mv cache evil 2>/dev/null; mv real cache 2>/dev/null\n"
                + "done\n");
        Background.Running attacker = Background.background(example, OtherUser.asNobody(List.of(swapper.toString())));
        try {
            for (int i = 0; i < RACE_STARTS; i++) {
                Example.Result r = example.run(Hostile.daemonCommand(example,
                        List.of("-Djdaemon.cache=" + cache)));

                assertThat(r.exit()).as("start %d: %s", i, r.err()).isEqualTo(5);
                Hostile.assertOneErrorLine(r, r.err().strip(), 5);
                assertThat(r.err()).startsWith(NAME + ": no private directory for the daemon helper (")
                        .contains(cache + " is unsafe: " + nb + " belongs to nobody")
                        .contains("-Djdaemon.cache=DIR");
                assertThat(marker).as("root ran the impostor").doesNotExist();
            }
        } finally {
            attacker.process().destroyForcibly();
            attacker.process().waitFor();
        }
        assertThat(marker).doesNotExist();
        assertThat(example.pidFile).doesNotExist();
        // The attacker's directory ends up as "evil" or "cache", wherever the loop was killed.
        // A last "mv" of the killed loop may still be moving an entry: look once none runs there.
        Example.awaitTrue(() -> !anyProcessIn(nb), "the attacker's loop to end");
        try (java.util.stream.Stream<Path> all = Files.walk(nb)) {
            assertThat(all.filter(p -> !p.equals(nb)))
                    .as("root created nothing there: everything in it is nobody's")
                    .allSatisfy(p -> assertThat(Files.getOwner(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            .getName()).as("%s", p).isEqualTo("nobody"));
        }
    }

    /** An XDG cache in a directory another user owns is skipped for the next candidate. */
    @Test
    void anUntrustedCandidateIsSkippedForTheNext() {
        OtherUser.assumeCanRunAsNobody();
        nb = OtherUser.nobodyDir(dir.resolve("nb"));
        ProcessBuilder pb = new ProcessBuilder(example.daemonCommand());
        pb.environment().put("XDG_CACHE_HOME", nb.toString());

        Example.Result r = example.run(pb);

        assertThat(r.exit()).as(r.err()).isZero();
        long pid = r.startedPid();
        assertThat(Hostile.list(nb)).as("nothing placed in nobody's directory").isEmpty();
        assertThat(new Proc(pid).alive()).isTrue();
    }

    @Test
    void anOverrideHelperInADirectoryAnotherUserOwnsIsRefused() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        nb = OtherUser.nobodyDir(dir.resolve("nb"));
        Path helper = Files.copy(FakeHelper.realHelper(dir), nb.resolve("helper"));

        Example.Result r = example.run(Hostile.daemonCommand(example,
                List.of("-Djdaemon.helper=" + helper)));

        Hostile.assertOneErrorLine(r, NAME + ": helper " + helper + " (from -Djdaemon.helper) could be "
                + "replaced by another user: " + nb + " belongs to nobody, who could replace what is in "
                + "it; put it in a directory only root or you can write, owned by root or you and not "
                + "writable by group or others", 5);
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void anOverrideHelperOthersCanWriteOrOwnIsRefused() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Path writable = Files.copy(FakeHelper.realHelper(dir), dir.resolve("writable-helper"));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path theirs = Files.copy(FakeHelper.realHelper(dir), dir.resolve("their-helper"));
        assertThat(Hostile.quietly(List.of("chown", "nobody", theirs.toString()))).isZero();

        Example.Result w = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.helper=" + writable)));
        Example.Result t = example.run(Hostile.daemonCommand(example, List.of("-Djdaemon.helper=" + theirs)));

        Hostile.assertOneErrorLine(w, w.err().strip(), 5);
        assertThat(w.err()).contains(writable + " is writable by group or others");
        Hostile.assertOneErrorLine(t, t.err().strip(), 5);
        assertThat(t.err()).contains(theirs + " belongs to nobody");
        assertThat(example.processes()).isEmpty();
        assertThat(example.pidFile).doesNotExist();
    }

    /** Whether some process has {@code dir} as its working directory. */
    private static boolean anyProcessIn(Path dir) {
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.anyMatch(p -> {
                try {
                    return Files.readSymbolicLink(p.resolve("cwd")).equals(dir);
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }
}
