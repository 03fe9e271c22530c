package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A service started from an argument file ({@code java @FILE}, issue 20 items 4 and 16): the
 * daemon's JVM gets the options through a private argument file of its own, so its command line
 * (which every user sees in {@code /proc/PID/cmdline} and {@code ps}) shows that file's name,
 * not the options, and a class path too long for one {@code execve} argument still starts.
 */
class ArgFileIT extends WithExample {

    /** {@code java @ARGFILE -jar JAR --daemon ...}, ARGFILE mode 0600 holding {@code options}. */
    private List<String> fromArgFile(List<String> options, String... more) throws Exception {
        Path argFile = dir.resolve("app.args");
        Files.writeString(argFile, String.join("\n", options) + "\n");
        Files.setPosixFilePermissions(argFile, PosixFilePermissions.fromString("rw-------"));
        List<String> cmd = new ArrayList<>(example.daemonCommand(more));
        cmd.add(cmd.indexOf("-jar"), "@" + argFile);
        return cmd;
    }

    @Test
    void theOptionsReachTheDaemonButNotItsCommandLine() throws Exception {
        Example.Result r = example.run(fromArgFile(List.of("-Dapp.password=hunter2",
                "-Xlog:gc:file=" + dir.resolve("gc-%p.log"))));
        assertThat(r.exit()).as(r.err()).isZero();
        long pid = r.startedPid();

        List<String> cmdline = new Proc(pid).cmdline();
        assertThat(String.join(" ", cmdline)).doesNotContain("hunter2").doesNotContain("-Xlog");
        assertThat(cmdline.stream().filter(a -> a.startsWith("-Djdaemon.launcher="))).hasSize(1);
        List<String> argFiles = cmdline.stream().filter(a -> a.startsWith("@")).toList();
        assertThat(argFiles).hasSize(1);
        assertThat(Path.of(argFiles.get(0).substring(1))).as("removed once the JVM read it").doesNotExist();
        // the option is in force in the daemon, once: its GC log is there
        assertThat(dir.resolve("gc-" + pid + ".log")).exists();
        assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");
    }

    @Test
    void aClassPathLongerThanOneExecveArgumentStarts() throws Exception {
        // 300 KB: more than Linux's 128 KiB per argument (MAX_ARG_STRLEN); fine in an argument file.
        StringBuilder classPath = new StringBuilder(Example.JAR.toAbsolutePath().toString());
        for (int i = 0; classPath.length() < 300_000; i++) {
            classPath.append(':').append(dir.resolve("lib").resolve("dependency-number-" + i + ".jar"));
        }
        Example.Result r = example.run(fromArgFile(List.of("-cp", classPath.toString())));

        assertThat(r.exit()).as(r.err()).isZero();
        long pid = r.startedPid();
        assertThat(Example.get(example.port(), "/pid")).isEqualTo(Long.toString(pid));
        assertThat(Files.size(Path.of("/proc/" + pid + "/cmdline"))).isLessThan(10_000);
    }
}
