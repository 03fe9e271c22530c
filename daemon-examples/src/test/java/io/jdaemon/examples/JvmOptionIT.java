package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * JVM options that act when a JVM starts (a JMX port, a listening agent, a debugger, a big
 * pre-touched heap): on the java command line they act in the launcher and again in the daemon;
 * with {@code --jvm-option} in the daemon only.
 */
class JvmOptionIT extends WithExample {

    private static final String JMX = "-Dcom.sun.management.jmxremote.port=";
    private static final List<String> JMX_OPEN = List.of("-Dcom.sun.management.jmxremote.authenticate=false",
            "-Dcom.sun.management.jmxremote.ssl=false");

    /** A port free now (the daemon or the launcher binds it next). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * An agent built here: {@code port=N} listens on N in premain (as a metrics agent does);
     * {@code gate=FILE} writes its PID to FILE.waiting (whole, by a rename) and waits (bounded) until FILE exists.
     */
    private Path agentJar() throws IOException {
        String source = "package probe;\n"
                + "import java.net.*; import java.nio.file.*;\n"
                + "public class Agent {\n"
                + "  static ServerSocket held;\n"
                + "  public static void premain(String args) throws Exception {\n"
                + "    for (String a : args.split(\",\")) {\n"
                + "      if (a.startsWith(\"port=\")) {\n"
                + "        held = new ServerSocket(Integer.parseInt(a.substring(5)), 50, InetAddress.getLoopbackAddress());\n"
                + "      } else if (a.startsWith(\"gate=\")) {\n"
                + "        Path gate = Path.of(a.substring(5));\n"
                + "        Path tmp = Files.writeString(Path.of(gate + \".tmp\"), Long.toString(ProcessHandle.current().pid()));\n"
                + "        Files.move(tmp, Path.of(gate + \".waiting\"), StandardCopyOption.ATOMIC_MOVE);\n"
                + "        long end = System.nanoTime() + 120_000_000_000L;\n"
                + "        while (!Files.exists(gate) && System.nanoTime() - end < 0) { Thread.sleep(10); }\n"
                + "      }\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
        Path build = Files.createDirectories(dir.resolve("agent-build"));
        return TestJars.build(build, dir.resolve("agent.jar"), Map.of("probe/Agent.java", source),
                Map.of("Premain-Class", "probe.Agent"), null);
    }

    private List<String> withJvmOptions(List<String> jvmOptions, List<String> cmd) {
        cmd.addAll(1, jvmOptions);
        return cmd;
    }

    @Test
    void aJmxPortOnTheJavaLineIsRefusedBeforeAnythingStarts() throws IOException {
        int port = freePort();
        List<String> opts = new java.util.ArrayList<>(JMX_OPEN);
        opts.add(JMX + port);
        Example.Result r = example.run(withJvmOptions(opts, example.daemonCommand()));
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("daemon-examples: " + JMX + port + " on the java command "
                + "line starts JMX in this launcher, on port " + port + ", where the daemon could not "
                + "listen again; give it to the daemon only: --jvm-option=" + JMX + port);
        assertThat(example.pidFile).doesNotExist();
        assertThat(example.processes()).isEmpty();
    }

    @Test
    void aJmxPortGivenWithJvmOptionIsTheDaemonsAloneAndStatusStaysAPlainJvm() throws IOException {
        int port = freePort();
        String[] jmx = {"--jvm-option=" + JMX + port, "--jvm-option=" + JMX_OPEN.get(0),
                "--jvm-option=" + JMX_OPEN.get(1)};
        long pid = example.startDaemon(jmx);
        assertThat(TestJars.listensOn(pid, port)).as("daemon listens on the JMX port").isTrue();
        // in force once; through the daemon's private argument file, not its command line
        assertThat(Collections.frequency(new Proc(pid).jvmArgs(), JMX + port)).isEqualTo(1);
        assertThat(new Proc(pid).cmdline()).doesNotContain(JMX + port);
        // The control command ignores --jvm-option: with JMX on its own JVM it could not start.
        Example.Result status = example.control("status", jmx);
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("running, pid " + pid);
        assertThat(example.control("stop", jmx).exit()).isZero();
    }

    @Test
    void aDebuggerServerOnTheJavaLineIsRefusedAndWorksWithJvmOption() throws IOException {
        int port = freePort();
        String jdwp = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + port;
        Example.Result r = example.run(withJvmOptions(List.of(jdwp), example.daemonCommand()));
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("daemon-examples: " + jdwp + " on the java command line "
                + "starts a debugger in this launcher, on port " + port + ", where the daemon could not "
                + "listen again; give it to the daemon only: --jvm-option=" + jdwp);
        assertThat(example.processes()).isEmpty();

        long pid = example.startDaemon("--jvm-option=" + jdwp);
        assertThat(TestJars.listensOn(pid, port)).as("daemon listens for the debugger").isTrue();
    }

    @Test
    void anAgentListeningInPremainIsNamedWhenTheLauncherHoldsItsPort() throws IOException {
        Path agent = agentJar();
        int port = freePort();
        String option = "-javaagent:" + agent + "=port=" + port;
        Example.Result r = example.run(withJvmOptions(List.of(option), example.daemonCommand()));
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().findFirst().orElse("")).startsWith("daemon-examples: the daemon could not listen on port " + port + ": this launcher holds it, "
                + "started by " + option + " on the java command line, which acts in the launcher and "
                + "again in the daemon; give it to the daemon only: --jvm-option=" + option + " (");

        long pid = example.startDaemon("--jvm-option=" + option);
        assertThat(TestJars.listensOn(pid, port)).as("the daemon's agent listens").isTrue();
    }

    @Test
    void aPreTouchedHeapGivenWithJvmOptionStaysOutOfTheLauncher() throws Exception {
        Path gate = dir.resolve("gate");
        Path waiting = dir.resolve("gate.waiting");
        // The agent holds the daemon in premain (after its heap was touched) until the gate
        // exists: meanwhile the launcher waits for readiness, and both are measured from /proc.
        List<String> cmd = example.daemonCommand("--jvm-option=-Xms256m", "--jvm-option=-XX:+AlwaysPreTouch",
                "--jvm-option=-javaagent:" + agentJar() + "=gate=" + gate);
        Process launcher = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        launcher.getOutputStream().close();
        CompletableFuture<String> out = Example.readAsync(launcher.getInputStream());
        CompletableFuture<String> err = Example.readAsync(launcher.getErrorStream());
        Example.awaitTrue(() -> Files.exists(waiting) || !launcher.isAlive(), "the daemon's agent waiting");
        assertThat(launcher.isAlive()).as("launcher: %s", err).isTrue();
        long daemon = Long.parseLong(Files.readString(waiting).trim());
        long launcherPeak = kB(new Proc(launcher.pid()).status("VmHWM"));
        long daemonPeak = kB(new Proc(daemon).status("VmHWM"));
        Files.writeString(gate, "");
        assertThat(launcher.waitFor()).as("launcher: %s %s", out.join(), err.join()).isZero();
        assertThat(daemonPeak).as("the daemon touched its 256 MB heap").isGreaterThanOrEqualTo(256 * 1024);
        assertThat(launcherPeak).as("the launcher's peak RSS (kB), the daemon's is %d", daemonPeak)
                .isLessThan(192 * 1024);
        assertThat(new Proc(launcher.pid()).alive()).isFalse();
        Example.Result status = example.control("status", "--jvm-option=-Xms256m",
                "--jvm-option=-XX:+AlwaysPreTouch");
        assertThat(status.out()).contains("running, pid " + daemon);
    }

    private static long kB(String vmHwm) {
        return Long.parseLong(vmHwm.trim().split("\\s+")[0]);
    }
}
