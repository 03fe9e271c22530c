package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The control commands signal only a process proven to be the daemon: one that holds a POSIX
 * write lock on the pidfile, in this PID namespace, and that the file names (issue #10, item 1).
 * Every other lock is reported in one line and nothing is signalled: an open file description
 * lock, a reader's shared lock, a holder in another PID namespace. And a library flag after
 * {@code --} is the service's (item 6).
 */
class WrongProcessIT extends WithExample {

    private static final String NAME = "daemon-examples";

    /**
     * A C program that writes CONTENT into PATH, takes an open file description write lock on it,
     * creates the file DONE and sleeps.
     */
    private Path ofdLocker() throws Exception {
        Path src = FakeHelper.script(dir.resolve("ofd.c"), String.join("\n",
                "#define _GNU_SOURCE",
                "#include <fcntl.h>",
                "#include <stdio.h>",
                "#include <string.h>",
                "#include <unistd.h>",
                "int main(int argc, char **argv) {",
                "  struct flock fl;",
                "  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);",
                "  if (fd < 0 || write(fd, argv[2], strlen(argv[2])) < 0) return 1;",
                "  memset(&fl, 0, sizeof fl);",
                "  fl.l_type = F_WRLCK; fl.l_whence = SEEK_SET;",
                "  if (fcntl(fd, F_OFD_SETLK, &fl) != 0) return 2;",
                "  close(open(argv[3], O_WRONLY | O_CREAT, 0644)); /* says: locked */",
                "  for (;;) pause();",
                "}", ""));
        Path bin = dir.resolve("ofd");
        int rc = Hostile.quietly(List.of("cc", "-o", bin.toString(), src.toString()));
        Assumptions.assumeTrue(rc == 0, "no C compiler to build the OFD lock holder");
        return bin;
    }

    @Test
    void anOpenFileDescriptionLockNamingAnUnrelatedProcessIsNeverSignalled() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        try {
            Path done = dir.resolve("ofd-locked");
            Background.Running holder = Background.background(example, List.of(ofdLocker().toString(),
                    example.pidFile.toString(), unrelated.pid() + "\n", done.toString()));
            Example.awaitTrue(() -> Files.exists(done) || !holder.process().isAlive(), "the OFD lock");
            assertThat(holder.process().isAlive()).as("OFD lock holder").isTrue();
            String why = "pidfile " + example.pidFile + " is locked by an open file description lock, "
                    + "not by a daemon's process";

            Example.Result status = example.control("status");
            assertThat(status.exit()).isEqualTo(4);
            assertThat(status.out()).startsWith(NAME + ": status unknown: " + why);

            Example.Result stop = example.control("stop",
                    "--force", "--stop-timeout=1");
            assertThat(stop.exit()).isEqualTo(1);
            assertThat(stop.err()).startsWith(NAME + ": cannot stop: " + why).hasLineCount(1);

            Example.Result reload = example.control("reload");
            assertThat(reload.exit()).isNotZero();

            Example.Result start = example.run(example.daemonCommand());
            Hostile.assertOneErrorLine(start, NAME + ": " + why + "; not starting (remove the lock or "
                    + "choose another --pidfile)", 1);

            assertThat(unrelated.isAlive()).as("the process the pidfile names").isTrue();
            assertThat(holder.process().isAlive()).as("the lock holder").isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    /**
     * A reader's shared lock (any user who can read the pidfile can take one) on a stale pidfile:
     * it is still stale; start replaces it, stop removes it, and neither hangs or recurses.
     */
    @Test
    void aSharedLockOfAnotherUserDoesNotMakeAStalePidFileLookRunning() throws Exception {
        OtherUser.assumeCanRunAsNobody();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        try {
            Files.writeString(example.pidFile, unrelated.pid() + "\n");
            Files.setPosixFilePermissions(example.pidFile, java.nio.file.attribute.PosixFilePermissions
                    .fromString("rw-r--r--"));
            Background.Running reader = Background.background(example,
                    OtherUser.asNobody(LockHolder.command(example.pidFile, "--read-lock")));
            Example.awaitTrue(() -> !new Proc(reader.pid()).locksOn(example.pidFile).isEmpty() || !reader.process().isAlive(),
                    "the reader's lock");
            assertThat(reader.process().isAlive()).as("reader as nobody").isTrue();

            Example.Result status = example.control("status");
            assertThat(status.exit()).as(status.out() + status.err()).isEqualTo(1);
            assertThat(status.out()).startsWith(NAME + " is not running, but pidfile");

            Example.Result stop = example.control("stop");
            assertThat(stop.exit()).as(stop.err()).isZero();
            assertThat(stop.out()).isEqualTo(NAME + " is not running; removed stale pidfile " + example.pidFile + "\n");
            assertThat(unrelated.isAlive()).isTrue();

            Files.writeString(example.pidFile, unrelated.pid() + "\n");
            long pid = example.startDaemon();
            assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
            Example.Result stopped = example.control("stop");
            assertThat(stopped.out()).isEqualTo(NAME + " stopped, pid " + pid + "\n");
            assertThat(unrelated.isAlive()).as("the process the stale pidfile named").isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    /**
     * From inside a child PID namespace (with or without its own /proc), the daemon's lock holder
     * is not visible: stop, reload and status refuse, and no PID of that namespace is signalled.
     */
    @Test
    void stopFromAChildPidNamespaceSignalsNothing() {
        int rc = Hostile.quietly(List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
        Assumptions.assumeTrue(rc == 0, "unshare --pid --mount-proc not permitted here (exit " + rc + ")");
        long pid = example.startDaemon();

        for (boolean ownProc : new boolean[] {true, false}) {
            List<String> ns = new ArrayList<>(List.of("unshare", "--pid", "--fork"));
            if (ownProc) {
                ns.add("--mount-proc");
            }
            for (String action : List.of("stop", "reload")) {
                List<String> cmd = new ArrayList<>(ns);
                cmd.addAll(example.command("--daemon=" + action, "--pidfile=" + example.pidFile,
                        "--force", "--stop-timeout=1"));
                Example.Result r = example.run(cmd);
                assertThat(r.exit()).as("%s, own /proc %s: %s", action, ownProc, r.err()).isNotZero();
                assertThat(Hostile.withoutJvmWarnings(r.err())).as(action)
                        .contains("is locked by a process outside this PID namespace");
                assertThat(new Proc(pid).alive()).as("the daemon after %s", action).isTrue();
            }
        }
        assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");
    }

    /** {@code -- --force} belongs to the service: stop does not SIGKILL a daemon that stops slowly. */
    @Test
    void forceAfterTheSeparatorIsNotTheLibrarys() {
        long pid = example.startDaemon("--slow-stop=30");

        Example.Result stop = example.control("stop",
                "--stop-timeout=1", "--", "--force");

        assertThat(stop.exit()).as(stop.out()).isEqualTo(1);
        assertThat(stop.err()).contains("did not stop within 1 s");
        assertThat(new Proc(pid).alive()).as("not SIGKILLed by a --force after --").isTrue();
    }
}
