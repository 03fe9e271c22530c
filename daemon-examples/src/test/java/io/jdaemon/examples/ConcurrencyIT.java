package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Launchers and control commands racing each other and the daemon (issue #5): many starts on one
 * pidfile leave exactly one daemon; many daemons on distinct pidfiles all start and stop; a stop
 * racing the daemon's own exit, or another stop, reports nothing worse than "not running" and
 * signals nobody else.
 */
class ConcurrencyIT extends WithExample {

    private static final String NAME = "daemon-examples";
    private static final int N = 20;
    /** Generous: 40 JVMs start at once on a small machine; this bounds the wait, it times nothing. */
    private static final String START_TIMEOUT = "--start-timeout=600";

    Process unrelated;

    @BeforeEach
    void setUp() throws Exception {
        unrelated = new ProcessBuilder("sleep", "600").start();
    }

    @AfterEach
    void tearDown() throws Exception {
        unrelated.destroyForcibly().waitFor();
    }

    private static long pidIn(String output, String pattern) {
        String line = Hostile.withoutJvmWarnings(output + "\n").strip();
        Matcher m = Pattern.compile(pattern).matcher(line);
        assertThat(m.matches()).as("line [%s] matches %s", line, pattern).isTrue();
        return Long.parseLong(m.group(1));
    }

    private void startTogetherOnOnePidFile() throws Exception {
        Path race = dir.resolve("race.log");
        List<List<String>> commands = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            commands.add(example.command("--daemon", "--pidfile=" + example.pidFile,
                    "--log=" + race, "--port=0", START_TIMEOUT));
        }
        List<Example.Result> results = Background.together(example, commands, 900);

        List<Long> started = new ArrayList<>();
        List<Long> running = new ArrayList<>();
        for (Example.Result r : results) {
            Hostile.assertNoStackTrace(r);
            assertThat(Hostile.withoutJvmWarnings(r.err())).as("stderr of a launcher").isEmpty();
            assertThat(r.exit()).isZero();
            if (r.out().contains(NAME + " started")) {
                started.add(pidIn(r.out(), NAME + " started, pid (\\d+)"));
            } else {
                running.add(pidIn(r.out(), NAME + " already running, pid (\\d+)"));
            }
        }
        assertThat(started).as("launchers that started a daemon").hasSize(1);
        long survivor = started.get(0);
        assertThat(running).as("launchers that found it running").hasSize(N - 1).containsOnly(survivor);

        assertThat(example.pidFileContent()).isEqualTo(survivor + "\n");
        Example.awaitTrue(() -> example.processes().equals(List.of(survivor)),
                "the daemons that lost the race to exit, leaving " + survivor);
        // The daemons that lost exit before the service's main runs: one "listening" line only.
        assertThat(Files.readString(race)).containsOnlyOnce("listening on port");
        assertThat(Example.get(portOf(race), "/pid")).isEqualTo(Long.toString(survivor));
        assertThat(Hostile.list(dir)).noneMatch(name -> name.endsWith(".tmp"));

        Example.Result stop = example.control("stop");
        assertThat(stop.out()).isEqualTo(NAME + " stopped, pid " + survivor + "\n");
    }

    /** Twenty launchers released at once on one pidfile: one daemon, the others report it. */
    @Test
    void twentyStartsOnOnePidFileLeaveExactlyOneDaemon() throws Exception {
        startTogetherOnOnePidFile();
        assertThat(unrelated.isAlive()).isTrue();
    }

    /** The same race on a stale pidfile (its daemon was SIGKILLed): removing it is part of the race. */
    @Test
    void twentyStartsOnAStalePidFileLeaveExactlyOneDaemon() throws Exception {
        long old = example.startDaemon();
        Example.signal(old, "KILL");
        Example.awaitGone(old);
        assertThat(example.pidFileContent()).isEqualTo(old + "\n");

        startTogetherOnOnePidFile();
        assertThat(unrelated.isAlive()).isTrue();
    }

    /** Twenty daemons with pidfiles of their own, started at once: all ready, distinct, stoppable. */
    @Test
    void twentyDaemonsWithDistinctPidFilesAllStartAndStop() throws Exception {
        List<List<String>> starts = new ArrayList<>();
        List<List<String>> stops = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            starts.add(example.command("--daemon", "--pidfile=" + pidFile(i), "--log=" + log(i), "--port=0",
                    START_TIMEOUT));
            stops.add(example.command("--daemon=stop", "--pidfile=" + pidFile(i)));
        }

        List<Example.Result> started = Background.together(example, starts, 900);

        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < N; i++) {
            Example.Result r = started.get(i);
            assertThat(r.exit()).as("launcher %d: %s", i, r.err()).isZero();
            assertThat(Hostile.withoutJvmWarnings(r.err())).isEmpty();
            long pid = pidIn(r.out(), NAME + " started, pid (\\d+)");
            pids.add(pid);
            assertThat(Files.readString(pidFile(i))).isEqualTo(pid + "\n");
            assertThat(Example.get(portOf(log(i)), "/pid")).isEqualTo(Long.toString(pid));
        }
        assertThat(pids).hasSize(N);
        assertThat(example.processes()).containsExactlyInAnyOrderElementsOf(pids);

        List<Example.Result> stopped = Background.together(example, stops, 900);

        for (int i = 0; i < N; i++) {
            Example.Result r = stopped.get(i);
            assertThat(r.exit()).as("stop %d: %s", i, r.err()).isZero();
            long pid = pidIn(r.out(), NAME + " stopped, pid (\\d+)");
            assertThat(pids).contains(pid);
            assertThat(pidFile(i)).doesNotExist();
        }
        assertThat(example.processes()).isEmpty();
        assertThat(unrelated.isAlive()).isTrue();
    }

    /**
     * A stop racing the daemon's own exit (it got SIGTERM from elsewhere a moment before, or
     * after): either it stopped it or it was not running; never an error, never a stale file.
     */
    @ParameterizedTest(name = "SIGTERM {0} ms before the stop")
    @ValueSource(ints = {0, 50, 200})
    void aStopRacingTheDaemonsOwnExit(int lead) {
        long pid = example.startDaemon();

        Example.signal(pid, "TERM");
        Example.sleep(lead);
        Example.Result stop = example.control("stop");

        Hostile.assertNoStackTrace(stop);
        assertThat(stop.err()).isEmpty();
        assertThat(stop.exit()).isZero();
        assertThat(stop.out()).isIn(stopOutcomes(pid));
        Example.awaitGone(pid);
        assertThat(example.pidFile).doesNotExist();
        assertThat(unrelated.isAlive()).isTrue();
    }

    /** Two stops at once, three times: each says stopped or not running, exit 0. */
    @Test
    void twoStopsAtOnce() {
        for (int round = 0; round < 3; round++) {
            long pid = example.startDaemon();

            List<Example.Result> results = Background.together(example, List.of(
                    example.controlCommand("stop"),
                    example.controlCommand("stop")), 300);

            for (Example.Result stop : results) {
                Hostile.assertNoStackTrace(stop);
                assertThat(stop.err()).isEmpty();
                assertThat(stop.exit()).isZero();
                assertThat(stop.out()).isIn(stopOutcomes(pid));
            }
            assertThat(results).anyMatch(r -> r.out().contains("stopped"));
            assertThat(new Proc(pid).alive()).isFalse();
            assertThat(example.pidFile).doesNotExist();
            assertThat(unrelated.isAlive()).isTrue();
        }
    }

    /**
     * Three restarts at once of a daemon that hands its socket over: they take turns (each
     * restarts the daemon the one before it started), so all succeed, three daemons stopped in
     * turn, and exactly one runs at the end, named by the pidfile, holding its lock. Without the
     * turns, each started a daemon of its own and two ran on unseen.
     */
    @Test
    void threeRestartsAtOnceTakeTurnsAndLeaveExactlyOneDaemon() throws Exception {
        long first = example.startDaemon("--listen=127.0.0.1:0");

        List<Example.Result> results = Background.together(example, List.of(
                example.controlCommand("restart"), example.controlCommand("restart"),
                example.controlCommand("restart")), 600);

        Set<Long> stopped = new HashSet<>();
        for (Example.Result restart : results) {
            Hostile.assertNoStackTrace(restart);
            assertThat(restart.exit()).as("%s / %s", restart.out(), restart.err()).isZero();
            stopped.add(pidIn(restart.out().lines().filter(l -> l.contains("stopped, pid"))
                    .findFirst().orElse(""), ".*stopped, pid (\\d+)"));
        }
        long now = Long.parseLong(example.pidFileContent().strip());
        assertThat(stopped).as("each restart stopped another daemon").hasSize(3).contains(first)
                .doesNotContain(now);
        assertThat(example.processes()).as("one daemon").containsExactly(now);
        assertThat(new Proc(now).locksOn(example.pidFile)).isNotEmpty();
        assertThat(unrelated.isAlive()).isTrue();
    }

    /**
     * What a stop may say when the daemon is exiting anyway: it stopped it, or found it gone (the
     * last one if it opened the pidfile just before the exiting daemon deleted it, and looked at
     * the lock just after the daemon's exit released it).
     */
    private List<String> stopOutcomes(long pid) {
        return List.of(NAME + " stopped, pid " + pid + "\n", NAME + " is not running\n",
                NAME + " is not running; removed stale pidfile " + example.pidFile + "\n");
    }

    private Path pidFile(int i) {
        return dir.resolve("d" + i + ".pid");
    }

    private Path log(int i) {
        return dir.resolve("d" + i + ".log");
    }

    private static int portOf(Path log) {
        Pattern p = Pattern.compile("listening on port (\\d+)");
        Example.awaitTrue(() -> {
            try {
                return p.matcher(Files.readString(log)).find();
            } catch (java.io.IOException e) {
                return false;
            }
        }, "port in " + log);
        try {
            Matcher m = p.matcher(Files.readString(log));
            assertThat(m.find()).isTrue();
            return Integer.parseInt(m.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
