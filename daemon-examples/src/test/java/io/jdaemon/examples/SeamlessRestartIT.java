package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --daemon=restart} of a daemon started with {@code --listen} hands its listening socket
 * to the new daemon (issue #24), proved from outside with real frameworks under load: the Jetty
 * sample ({@code --inherit-channel}: {@code ServerConnector.setInheritChannel}) and the Spring
 * Boot sample ({@code --sample.inherit-channel=true}: Tomcat's {@code useInheritedChannel}),
 * each through a series of restarts while clients on 127.0.0.1 send requests, some on a new
 * connection each, some on one kept alive. Counted, not timed: no request refused, none failed,
 * after each restart exactly one daemon, whose PID the pidfile names and whose lock it holds, and
 * the stopped daemon's last lines in the log.
 * A new daemon that does not become ready leaves the old one serving.
 */
class SeamlessRestartIT extends WithExample {

    /** Restarts per framework: 20 for Jetty; Spring Boot's start takes seconds each here (see #restarts). */
    private static final int JETTY_RESTARTS = 20;
    /**
     * Spring Boot starts in 3-8 s on this 2-core machine under the suite's load, and in a minute
     * when the machine is shared by several suites (load 100 seen): 5 restarts keep the test
     * within minutes there, and still cross the window where both daemons accept.
     */
    private static final int SPRING_RESTARTS = 5;
    /** A start on a machine at load 100 takes a minute; the restarts use the recorded timeout. */
    private static final String START_TIMEOUT = "--start-timeout=300";

    private List<String> jetty(SampleBuild sample, String... more) {
        List<String> cmd = sample.command(example, "--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--listen=127.0.0.1:0", START_TIMEOUT, "--inherit-channel");
        cmd.addAll(List.of(more));
        return cmd;
    }

    @Test
    void jettyServesThroughTwentyRestartsWithoutARefusedOrFailedRequest() throws Exception {
        SampleBuild sample = SampleBuild.of("jetty-sample");
        Example.Result start = example.run(jetty(sample));
        assertThat(start.exit()).as(start.err()).isZero();
        int port = port("jetty-sample listening on port (\\d+)");
        underLoad(sample, port, "/", start.startedPid(), JETTY_RESTARTS, "jetty-sample stopped");
    }

    @Test
    void springBootServesThroughRestartsWithoutARefusedOrFailedRequest() throws Exception {
        SampleBuild sample = SampleBuild.of("spring-sample");
        Example.Result start = example.run(sample.command(example, "--daemon", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--listen=127.0.0.1:0", START_TIMEOUT, "--sample.inherit-channel=true"));
        assertThat(start.exit()).as(start.err()).isZero();
        int port = port("Tomcat started on port (\\d+)");
        underLoad(sample, port, "/health", start.startedPid(), SPRING_RESTARTS, "Graceful shutdown complete");
    }

    @Test
    void aNewDaemonThatIsNotReadyLeavesTheOldOneServing() throws Exception {
        SampleBuild sample = SampleBuild.of("jetty-sample");
        Example.Result start = example.run(jetty(sample));
        assertThat(start.exit()).as(start.err()).isZero();
        long pid = start.startedPid();
        int port = port("jetty-sample listening on port (\\d+)");
        try (HttpLoad load = HttpLoad.start(port, "/", 2, false)) {
            load.awaitAnswers(20);
            // Its service arguments replace the recorded ones: a port Jetty cannot bind, so it
            // fails instead of serving the inherited socket.
            Example.Result r = example.run(sample.command(example, "--daemon=restart",
                    "--pidfile=" + example.pidFile, "--port=-1"));

            assertThat(r.exit()).as("restart: %s / %s", r.out(), r.err()).isEqualTo(1);
            assertThat(r.err()).contains("pid " + pid + " serves on; nothing was stopped");
            assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
            assertThat(new Proc(pid).locksOn(example.pidFile)).isNotEmpty();
            assertThat(example.processes()).containsExactly(pid);
            assertThat(asides()).as("the failed daemon's pidfile beside the old one's").isEmpty();
            load.awaitAnswers(20);
            load.close();
            assertThat(load.refused.get() + load.failed.get()).as(load.toString()).isZero();
        }
    }

    /**
     * Restarts {@code restarts} times under load and checks the daemon each time, and at the end
     * that no connection was refused, every request was answered, and each daemon that stopped
     * wrote {@code stoppedLine} to the log (its output still reached the log after it stopped
     * accepting, which closes the JDK's inherited channel).
     */
    private void underLoad(SampleBuild sample, int port, String path, long first, int restarts,
            String stoppedLine) throws Exception {
        long pid = first;
        List<Long> pids = new ArrayList<>(List.of(pid));
        List<String> timeline = new ArrayList<>();
        try (HttpLoad fresh = HttpLoad.start(port, path, 3, false);
                HttpLoad kept = HttpLoad.start(port, path, 3, true)) {
            fresh.awaitAnswers(10);
            kept.awaitAnswers(10);
            for (int i = 1; i <= restarts; i++) {
                LocalTime began = LocalTime.now().truncatedTo(ChronoUnit.MILLIS);
                Example.Result r = example.run(sample.command(example, "--daemon=restart",
                        "--pidfile=" + example.pidFile));
                assertThat(r.exit()).as("restart %d: %s / %s", i, r.out(), r.err()).isZero();
                assertThat(r.err()).as("restart %d", i).doesNotContain("not a seamless restart");
                long now = Long.parseLong(example.pidFileContent().strip());
                assertThat(now).as("restart %d", i).isNotEqualTo(pid);
                assertThat(r.out()).as("restart %d", i).contains("started, pid " + now,
                        "stopped, pid " + pid);
                assertThat(example.processes()).as("restart %d: one daemon", i).containsExactly(now);
                assertThat(new Proc(now).locksOn(example.pidFile)).as("restart %d: its lock", i).isNotEmpty();
                assertThat(asides()).as("restart %d: a pidfile beside the daemon's", i).isEmpty();
                timeline.add("restart " + i + " " + began + "-" + LocalTime.now().truncatedTo(ChronoUnit.MILLIS)
                        + ": pid " + pid + " -> " + now);
                pid = now;
                pids.add(pid);
                fresh.awaitAnswers(10); // the new daemon serves before the next restart
                kept.awaitAnswers(10);
            }
            fresh.close();
            kept.close();
            System.out.printf("%s, %d restarts, daemons %s:%n  %s%n  %s%n", sample.jar().getFileName(),
                    restarts, pids, fresh, kept);
            // On a failure, when each restart ran and what the daemons said of their connections.
            // (an argument, not the format: a log line may hold a '%')
            String context = String.join("\n", timeline) + "\n" + String.join("\n",
                    example.logText().lines().filter(l -> l.contains("unanswered") || l.contains("accept")).toList());
            assertThat(fresh.refused.get()).as("%s%n%s", fresh, context).isZero();
            assertThat(kept.refused.get()).as("%s%n%s", kept, context).isZero();
            assertThat(fresh.failed.get()).as("%s%n%s", fresh, context).isZero();
            assertThat(kept.failed.get()).as("%s%n%s", kept, context).isZero();
            assertThat(count(example.logText(), stoppedLine)).as("'%s' in %s", stoppedLine, example.log)
                    .isEqualTo(restarts);
        }
    }

    private static int count(String text, String line) {
        int n = 0;
        for (int at = text.indexOf(line); at >= 0; at = text.indexOf(line, at + 1)) {
            n++;
        }
        return n;
    }

    /** Files named as a daemon's pidfile before it is in place ({@code .NAME.PID.tmp}). */
    private List<Path> asides() throws java.io.IOException {
        String prefix = "." + example.pidFile.getFileName() + ".";
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(example.pidFile.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    private int port(String regex) {
        Pattern p = Pattern.compile(regex);
        Example.awaitTrue(() -> p.matcher(example.logText()).find(), "port in " + example.log);
        Matcher m = p.matcher(example.logText());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
