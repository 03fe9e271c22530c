package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up rules, checked on what each JVM loaded ({@code -Xlog:class+load}, a file per JVM
 * named by {@code %p}; the daemon re-executes the launcher's options, so it logs to a file of its
 * own): the launcher from its start to its exit, and the daemon and a foreground service from
 * their start to ready, load no class of the deny list below that a bare JVM of the same JDK does
 * not load too; the control commands ({@code status}, {@code stop}) load no JNA. A bare JVM runs a
 * {@code main} from a jar (what the JDK loads by itself is no rule's business); for the launcher,
 * that {@code main} also starts one process, as the launcher must start the helper (the JDK's
 * process class initialises with a lambda, an {@code EnumSet} and {@code ProcessHandle}). A
 * failure names the class, the JVM and the rule's reason.
 *
 * <p>The launcher and the control commands are the real example's. The daemon and the foreground
 * service are a service whose {@code main} only detaches and says it is ready, so that what they
 * load up to ready is the library's alone (the example's HTTP server brings lambdas of its own),
 * cut at a class it loads right after {@code Daemon.ready()} returns.
 */
class StartupRulesIT extends WithExample {

    /** The JVMs a rule applies to. */
    enum Jvm { LAUNCHER, DAEMON, FOREGROUND, CONTROL }

    /** One rule: the classes it denies (a whole-name regex), where, and why. */
    record Rule(String name, Pattern classes, Set<Jvm> in, String reason) {
        Rule(String name, String classes, Set<Jvm> in, String reason) {
            this(name, Pattern.compile(classes), in, reason);
        }
    }

    /** The launch path: the rules below are about start-up, which the control commands are not. */
    private static final Set<Jvm> ALL = EnumSet.of(Jvm.LAUNCHER, Jvm.DAEMON, Jvm.FOREGROUND);

    /** The deny list: the rules the code's comments state, each as the classes that break it. */
    static final List<Rule> DENY = List.of(
            new Rule("lambdas", "java\\.lang\\.invoke\\.(InnerClass)?LambdaMetafactory", ALL,
                    "the first lambda or method reference bootstraps the lambda metafactory "
                            + "(milliseconds in a fresh JVM); write a small class"),
            new Rule("lambdas", ".*\\$\\$Lambda", ALL,
                    "a lambda or method reference in the class named (or in a JDK API used on the "
                            + "path): each spins a class at its first use"),
            new Rule("string concatenation", "java\\.lang\\.invoke\\.StringConcatFactory.*", ALL,
                    "an invokedynamic string concatenation bootstraps at its first use "
                            + "(milliseconds); the build compiles with -XDstringConcat=inline, "
                            + "so this came from a JDK API or a class built without it"),
            new Rule("reflection", "jdk\\.internal\\.reflect\\.(NativeMethodAccessorImpl"
                    + "|DelegatingMethodAccessorImpl|GeneratedMethodAccessor\\d*"
                    + "|MethodHandleAccessorFactory|DirectMethodHandleAccessor)"
                    + "|java\\.lang\\.reflect\\.Proxy", ALL,
                    "the first reflective call spins method-handle classes (on JDK 25 about 200, "
                            + "8 to 16 ms); Enum.valueOf, EnumSet and EnumMap find an enum's "
                            + "constants reflectively: loop over values(), use a Set.of"),
            // Not the daemon's: it locks its pidfile through a FileChannel.
            new Rule("NIO file channels", "sun\\.nio\\.ch\\.FileChannelImpl", EnumSet.of(Jvm.LAUNCHER),
                    "Files.newInputStream, readAllBytes, write and the like open a FileChannel "
                            + "(a dozen classes); java.io's FileInputStream and FileOutputStream "
                            + "are loaded at JVM boot"),
            new Rule("JCA", "sun\\.security\\.jca\\..*|java\\.security\\.(Provider|SecureRandom"
                    + "|MessageDigest)", ALL,
                    "a digest or SecureRandom (Files.createTempDirectory, on JDK 17 an AF_UNIX "
                            + "channel) sets up the JCA providers, tens of milliseconds; use "
                            + "CRC32 or FNV-1a, name temporary files by PID"),
            new Rule("sorting", "java\\.util\\.DualPivotQuicksort", ALL,
                    "Arrays.sort of primitives bootstraps lambdas on JDK 22+ (10 ms in a fresh "
                            + "JVM); sort a few elements by insertion"),
            new Rule("DataOutputStream", "java\\.io\\.Data(Output|Input)Stream", ALL,
                    "on JDK 25 its numbers go through VarHandles, whose first use costs "
                            + "milliseconds; write the bytes or text"),
            new Rule("regex", "java\\.util\\.regex\\.Pattern", ALL,
                    "a regex compiles on every start (on JDK 17 spinning lambdas); match by hand"),
            new Rule("ProcessHandle", "java\\.lang\\.ProcessHandleImpl", ALL,
                    "ProcessHandle's first use costs milliseconds; read /proc (the launcher may, "
                            + "through the JDK's process start)"),
            new Rule("class-path resources", "sun\\.net\\.www\\.protocol\\.jar\\..*", ALL,
                    "a class-path resource lookup searches the runtime image and opens a jar: "
                            + "URL; open the jar with ZipFile"),
            new Rule("JNA", "com\\.sun\\.jna\\..*", EnumSet.of(Jvm.LAUNCHER, Jvm.CONTROL),
                    "no native library in the launcher and the control commands: LibC is the "
                            + "daemon's; use /proc, java.io or the helper"));

    /** {@code [0.410s][info][class,load] NAME source: ...}. */
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: ");

    private static final String BARE = """
            public final class Bare {
                /** Prints a line; with arguments, first runs them as a process to its end. */
                public static void main(String[] args) throws Exception {
                    if (args.length > 0) {
                        Process p = new ProcessBuilder(args).start();
                        p.getInputStream().readAllBytes();
                        p.getErrorStream().readAllBytes();
                        p.waitFor();
                    }
                    System.out.println("bare");
                }
            }
            """;

    private static final String READY = """
            import io.jdaemon.Daemon;
            import io.jdaemon.DaemonOptions;

            public final class ReadyService {
                /** Detaches if asked, is ready at once, and then sleeps until killed. */
                public static void main(String[] args) throws Exception {
                    Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
                    Daemon.ready();
                    Ready.mark();
                    while (true) {
                        Thread.sleep(60_000);
                    }
                }

                /** Its load marks the end of the start in the class-load log. */
                static final class Ready {
                    static void mark() {
                    }
                }
            }
            """;

    private static final String READY_MARK = "ReadyService$Ready";

    /** {@code -Xlog:class+load}, each JVM's to a file of its own in {@code logs}. */
    private static List<String> xlog(Path logs) {
        return List.of("-Xlog:class+load=info:file=" + logs + "/cl-%p.log");
    }

    /** Before the measured starts: the bare JVM's loads, and the helper in its cache. */
    @BeforeEach
    void measureTheBareJvm() throws IOException {
        baseline(false);
    }

    @Test
    void theExampleLauncherAndTheControlCommandsKeepTheRules() throws Exception {
        Path logs = Files.createDirectory(dir.resolve("class-logs"));
        List<String> xlog = xlog(logs);
        Example.Result start = example.run(Hostile.daemonCommand(example, xlog));
        assertThat(start.exit()).as("launcher stderr: %s", start.err()).isZero();
        long daemon = start.startedPid();
        Path daemonLog = logs.resolve("cl-" + daemon + ".log");
        Path launcherLog = only(logs, daemonLog);

        Example.Result status = example.run(withOptions(xlog, example.controlCommand("status")));
        assertThat(status.exit()).as("status stderr: %s", status.err()).isZero();
        Path statusLog = only(logs, daemonLog, launcherLog);

        Example.Result stop = example.run(withOptions(xlog, example.controlCommand("stop")));
        assertThat(stop.exit()).as("stop stderr: %s", stop.err()).isZero();
        Example.awaitGone(daemon);
        Path stopLog = only(logs, daemonLog, launcherLog, statusLog);

        List<String> launcher = loaded(launcherLog, null);
        assertThat(launcher).as("the launcher's class loads").contains("io.jdaemon.internal.launch.Launcher");
        // The daemon logged too: the files above are the other JVMs', not an empty option.
        assertThat(loaded(daemonLog, null)).contains("io.jdaemon.internal.daemon.ServiceSide");
        List<String> statusClasses = loaded(statusLog, null);
        List<String> stopClasses = loaded(stopLog, null);
        assertThat(statusClasses).as("status's class loads").contains("io.jdaemon.internal.control.Control");
        assertThat(stopClasses).as("stop's class loads").contains("io.jdaemon.internal.control.Control");
        List<String> violations = new ArrayList<>(violations(Jvm.LAUNCHER, launcher));
        violations.addAll(violations(Jvm.CONTROL, statusClasses));
        violations.addAll(violations(Jvm.CONTROL, stopClasses));
        assertThat(violations).as("start-up rules broken").isEmpty();
    }

    @Test
    void aDaemonKeepsTheRulesUpToReady() throws Exception {
        Path jar = readyServiceJar();
        Path logs = Files.createDirectory(dir.resolve("class-logs"));
        List<String> xlog = xlog(logs);
        List<String> cmd = withJar(Hostile.daemonCommand(example, xlog), jar);
        Example.Result start = example.run(cmd);
        assertThat(start.exit()).as("launcher stderr: %s", start.err()).isZero();
        long daemon = start.startedPid();
        Path daemonLog = logs.resolve("cl-" + daemon + ".log");
        Path launcherLog = only(logs, daemonLog);
        List<String> toReady = awaitReady(daemonLog);

        List<String> violations = new ArrayList<>(violations(Jvm.LAUNCHER, loaded(launcherLog, null)));
        violations.addAll(violations(Jvm.DAEMON, toReady));
        assertThat(violations).as("start-up rules broken").isEmpty();
    }

    @Test
    void aForegroundServiceKeepsTheRulesUpToReady() throws Exception {
        Path jar = readyServiceJar();
        Path logs = Files.createDirectory(dir.resolve("class-logs"));
        List<String> xlog = xlog(logs);
        List<String> cmd = withJar(withOptions(xlog, example.command(
                "--pidfile=" + example.pidFile, "--log=" + example.log)), jar);
        Process service = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("foreground.out").toFile()).start();
        try {
            Example.awaitTrue(() -> countFiles(logs) == 1, "the foreground JVM's class-load log");
            Path log = logs.resolve("cl-" + service.pid() + ".log");
            assertThat(violations(Jvm.FOREGROUND, awaitReady(log))).as("start-up rules broken").isEmpty();
        } finally {
            service.destroyForcibly();
            service.waitFor();
        }
    }

    /**
     * The rules {@code classes} (as loaded by a JVM of kind {@code jvm}) break, one line each:
     * the class, the JVM and the reason.
     */
    private List<String> violations(Jvm jvm, List<String> classes) throws IOException {
        Set<String> bare = baseline(jvm == Jvm.LAUNCHER);
        List<String> found = new ArrayList<>();
        for (String name : new LinkedHashSet<>(classes)) {
            for (Rule rule : DENY) {
                if (rule.in().contains(jvm) && rule.classes().matcher(name).matches()
                        && !bare.contains(name)) {
                    found.add(jvm.name().toLowerCase() + " JVM loaded " + name + ": breaks the "
                            + rule.name() + " rule: " + rule.reason());
                }
            }
        }
        return found;
    }

    private static Set<String> bareClasses;
    private static Set<String> bareSpawnClasses;

    /** What a bare JVM of this JDK loads (with {@code spawn}, when it starts one process). */
    private Set<String> baseline(boolean spawn) throws IOException {
        synchronized (StartupRulesIT.class) {
            if (bareClasses == null) {
                // A first start extracts the helper (once per version and user): not start-up's
                // cost, which the measured starts below would otherwise pay once.
                Example warm = new Example(Files.createDirectory(dir.resolve("warm")));
                warm.startDaemon();
                assertThat(warm.control("stop").exit()).as("the warm-up daemon's stop").isZero();
                Path jar = TestJars.build(dir, dir.resolve("bare.jar"), Map.of("Bare.java", BARE),
                        Map.of(), "Bare");
                bareClasses = bareRun(jar, "bare");
                bareSpawnClasses = bareRun(jar, "bare-spawn", "/bin/true");
            }
            return spawn ? bareSpawnClasses : bareClasses;
        }
    }

    private Set<String> bareRun(Path jar, String name, String... args) throws IOException {
        Path logs = Files.createDirectory(dir.resolve(name));
        Example.Result r = example.run(withJar(withOptions(xlog(logs), example.command(args)), jar));
        assertThat(r.exit()).as("bare JVM: %s", r.err()).isZero();
        try (Stream<Path> files = Files.list(logs)) {
            Path log = files.findFirst().orElseThrow();
            return new LinkedHashSet<>(loaded(log, null));
        }
    }

    /** {@link #READY} as a jar beside a copy of the example's, on its Class-Path. */
    private Path readyServiceJar() throws IOException {
        Path lib = Files.copy(Example.JAR, dir.resolve("daemon-examples.jar"));
        return TestJars.build(dir, dir.resolve("ready.jar"), Map.of("ReadyService.java", READY),
                Map.of("Class-Path", lib.getFileName().toString()), "ReadyService",
                "-cp", lib.toString());
    }

    /** The classes {@code log} names up to {@link #READY_MARK} (bounded wait for it). */
    private static List<String> awaitReady(Path log) {
        Example.awaitTrue(() -> Files.exists(log) && loaded(log, null).contains(READY_MARK),
                "the ready mark in " + log);
        return loaded(log, READY_MARK);
    }

    /** The classes {@code log} names, in load order, normalised; up to {@code end} if not null. */
    private static List<String> loaded(Path log, String end) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = LOADED.matcher(line);
                if (m.find()) {
                    String name = normalised(m.group(1));
                    names.add(name);
                    if (name.equals(end)) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** A hidden class's name without its address, a lambda's without its number (JDK 17). */
    static String normalised(String name) {
        return name.replaceFirst("/0x[0-9a-f]+$", "").replaceFirst("\\$\\$Lambda\\$\\d+$", "\\$\\$Lambda");
    }

    private static List<String> withOptions(List<String> options, List<String> command) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(cmd.indexOf("-jar"), options);
        return cmd;
    }

    private static List<String> withJar(List<String> command, Path jar) {
        List<String> cmd = new ArrayList<>(command);
        cmd.set(cmd.indexOf("-jar") + 1, jar.toString());
        return cmd;
    }

    private static long countFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one file in {@code dir} that is none of {@code known}. */
    private static Path only(Path dir, Path... known) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> rest = files.filter(f -> !List.of(known).contains(f)).toList();
            assertThat(rest).as("new class-load files in %s", dir).hasSize(1);
            return rest.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
