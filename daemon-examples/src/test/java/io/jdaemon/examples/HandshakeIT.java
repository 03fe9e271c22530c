package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The readiness handshake's directory (issue 10, item 4 and the sweep of item 5): only in a
 * temporary directory nobody else can change, so that no other user can rename it and write a
 * READY of theirs; and the directories that launchers killed with SIGKILL left are swept by the
 * next launcher, only this user's own from this PID namespace, never through a link.
 */
class HandshakeIT extends WithExample {

    private static final String NAME = "daemon-examples";
    /** Starts while the attacker tries to replace the handshake directory. */
    private static final int ATTACKED_STARTS = 10;

    /**
     * nobody owns java.io.tmpdir (not sticky) and keeps renaming every {@code jdaemon-*} entry and
     * putting a directory with an outcome of theirs in its place: each start is refused with one
     * line naming java.io.tmpdir and the fix, nothing says "started", no daemon runs.
     */
    @Test
    void aTemporaryDirectoryAnotherUserOwnsIsRefusedSoTheyCannotFakeReadiness() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = OtherUser.nobodyDir(dir.resolve("their-tmp"));
        Path attacker = FakeHelper.script(dir.resolve("fake-ready.sh"), "#!/bin/bash\n"
                + "cd " + tmp + " || exit 1\n"
                + "while true; do\n"
                + "  for d in jdaemon-*; do\n"
                + "    [ -d \"$d\" ] && [ ! -e \"$d.taken\" ] || continue\n"
                + "    mv \"$d\" \"$d.taken\" && mkdir -m 700 \"$d\" && printf 'READY' > \"$d/outcome\"\n"
                + "  done\n"
                + "done\n");
        Background.Running running = Background.background(example, OtherUser.asNobody(List.of(attacker.toString())));
        try {
            for (int i = 0; i < ATTACKED_STARTS; i++) {
                Example.Result r = example.run(Hostile.daemonCommand(example,
                        List.of("-Djava.io.tmpdir=" + tmp)));

                Hostile.assertOneErrorLine(r, NAME + ": java.io.tmpdir " + tmp + " cannot hold the "
                        + "readiness handshake: " + tmp + " belongs to nobody, who could replace what "
                        + "is in it; fix it or start with -Djava.io.tmpdir=DIR, a directory only root "
                        + "or you can write (or a sticky one, as /tmp)", 6);
            }
        } finally {
            running.process().destroyForcibly();
            running.process().waitFor();
        }
        assertThat(Hostile.list(tmp)).as("the launcher created nothing there").isEmpty();
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aWorldWritableTemporaryDirectoryWithoutTheStickyBitIsRefused() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("open-tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));

        Example.Result r = example.run(Hostile.daemonCommand(example, List.of("-Djava.io.tmpdir=" + tmp)));

        Hostile.assertOneErrorLine(r, NAME + ": java.io.tmpdir " + tmp + " cannot hold the readiness "
                + "handshake: " + tmp + " is writable by every user and has no sticky bit; fix it or "
                + "start with -Djava.io.tmpdir=DIR, a directory only root or you can write (or a "
                + "sticky one, as /tmp)", 6);
        assertThat(Hostile.list(tmp)).isEmpty();
        assertThat(example.processes()).isEmpty();
    }

    /**
     * Leftovers named as a launcher's directory whose PID is dead or not a JVM are removed by the
     * next start; a live JVM's, another user's, and a link (not followed) are kept.
     */
    @Test
    void theNextStartSweepsOnlyOurOwnLeftoversOfDeadLaunchers() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        example.command(); // creates DIR/tmp, mode 1777
        Path tmp = dir.resolve("tmp");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process notJvm = new ProcessBuilder("sleep", "600", dir.toString()).start();
        try {
            Path ofDead = leftover(tmp, "jdaemon-" + dead.pid() + "-1a2b-0");
            Path ofSleep = leftover(tmp, "jdaemon-" + notJvm.pid() + "-1a2b-0");
            Path ofLiveJvm = leftover(tmp, "jdaemon-" + ProcessHandle.current().pid() + "-1a2b-0");
            Path theirs = leftover(tmp, "jdaemon-" + dead.pid() + "-1a2b-1");
            assertThat(Hostile.quietly(List.of("chown", "-R", "nobody", theirs.toString()))).isZero();
            Path target = Files.createDirectory(dir.resolve("target"));
            Files.writeString(target.resolve("settings"), "root's");
            Path link = Files.createSymbolicLink(tmp.resolve("jdaemon-" + dead.pid() + "-1a2b-2"), target);
            // a launcher in another PID namespace sharing this directory (a container's /tmp): the
            // PID in the name means nothing here; its settings (NUL-separated, the namespace last)
            // say where it ran
            Path otherNamespace = leftover(tmp, "jdaemon-" + dead.pid() + "-1a2b-3");
            Files.writeString(otherNamespace.resolve("settings"), String.join("\0", "",
                    dir.resolve("x.log").toString(), "DEFAULT", "0", Long.toString(dead.pid()), "0",
                    "pid:[1]"));
            // and one of a version before the successor field: the namespace is last there too
            Path olderVersion = leftover(tmp, "jdaemon-" + dead.pid() + "-1a2b-4");
            Files.writeString(olderVersion.resolve("settings"), String.join("\0", "",
                    dir.resolve("x.log").toString(), "DEFAULT", "0", Long.toString(dead.pid()), "pid:[1]"));

            example.startDaemon();

            assertThat(ofDead).doesNotExist();
            assertThat(ofSleep).doesNotExist();
            assertThat(ofLiveJvm.resolve("settings")).exists();
            assertThat(otherNamespace.resolve("settings")).exists();
            assertThat(olderVersion.resolve("settings")).exists();
            assertThat(theirs.resolve("settings")).exists();
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(target.resolve("settings")).hasContent("root's");
        } finally {
            notJvm.destroyForcibly().waitFor();
        }
    }

    private static Path leftover(Path tmp, String name) throws Exception {
        Path d = Files.createDirectory(tmp.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(d.resolve("settings"), "x");
        Files.writeString(d.resolve("settings.tmp-1"), "x");
        return d;
    }
}
