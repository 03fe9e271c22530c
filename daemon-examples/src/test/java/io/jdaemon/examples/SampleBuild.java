package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A framework sample beside the example ({@code daemon-examples/NAME}, a Maven project of its
 * own), built as its user would build it, but against this build's daemon-core and daemon-native
 * jars (system-scoped, so nothing is installed anywhere) into {@code target/NAME}. All samples are
 * one Maven reactor ({@code daemon-examples/samples/pom.xml}), built once per test run by the
 * first test that needs a sample ({@code mvn -B -q clean package}); Helidon SE 4's module joins it
 * on JDK 21 and later. Bounded: 20 minutes, enough for a first download of every framework. When
 * Maven cannot download (no network) the tests that need a jar are skipped with that reason; any
 * other build failure fails them.
 */
final class SampleBuild {

    /** Maven's line when a download failed: the only reason to skip rather than fail. */
    private static final Pattern DOWNLOAD_FAILED = Pattern.compile(
            ".*(Could not transfer|Could not resolve|Non-resolvable parent POM|Non-resolvable import POM"
                    + "|UnknownHostException|Network is unreachable).*");

    /** The reactor's build, once per test run (JVM): its exit status and output. */
    private static Reactor reactor;

    private record Reactor(List<String> command, int exit, String output, Path build) {
    }

    private final Path jar;
    private final String skipReason;

    private SampleBuild(Path jar, String skipReason) {
        this.jar = jar;
        this.skipReason = skipReason;
    }

    /** The sample {@code name}, whose jar is {@code target/NAME/NAME.jar}. */
    static SampleBuild of(String name) throws IOException, InterruptedException {
        return of(name, name + ".jar");
    }

    /**
     * The sample {@code name}, whose jar is {@code jar} in its build directory
     * {@code target/NAME}; builds all samples first, once.
     */
    static SampleBuild of(String name, String jar) throws IOException, InterruptedException {
        Reactor built = reactor();
        Matcher offline = DOWNLOAD_FAILED.matcher(built.output());
        if (built.exit() != 0 && offline.find()) {
            return new SampleBuild(null, "Maven could not download what the samples need (no "
                    + "network?): " + offline.group().trim());
        }
        assertThat(built.exit()).as("building the samples: %s%n%s", built.command(), built.output())
                .isZero();
        Path path = built.build().resolve(name).resolve(jar);
        assertThat(path).as("%s's jar", name).isRegularFile();
        return new SampleBuild(path, null);
    }

    /**
     * A sample that needs JDK {@code feature} or later: on an older JDK, one whose tests are
     * skipped with that reason (its module is not in the reactor there).
     */
    static SampleBuild requiringJdk(int feature, String name) throws IOException, InterruptedException {
        int running = Runtime.version().feature();
        if (running < feature) {
            return new SampleBuild(null, name + " needs JDK " + feature + " or later; these tests "
                    + "run on JDK " + running + " (run them with JAVA_HOME set to a newer JDK)");
        }
        return of(name);
    }

    private static synchronized Reactor reactor() throws IOException, InterruptedException {
        if (reactor == null) {
            reactor = build();
        }
        return reactor;
    }

    private static Reactor build() throws IOException, InterruptedException {
        Path build = Path.of(System.getProperty("samples.build", "target")).toAbsolutePath();
        Path pom = Path.of(System.getProperty("samples.dir", ".")).resolve("samples").resolve("pom.xml");
        Path coreJar = Path.of(System.getProperty("jdaemon.core.jar", "missing"));
        Path nativeJar = Path.of(System.getProperty("jdaemon.native.jar", "missing"));
        assertThat(coreJar).as("daemon-core's jar: run from the root reactor (mvn verify)").isRegularFile();
        assertThat(nativeJar).as("daemon-native's jar: run from the root reactor").isRegularFile();
        String mavenHome = System.getProperty("maven.home", "");
        String mvn = mavenHome.isEmpty() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "-f", pom.toString(), "clean",
                "package", "-Dsamples.build=" + build, "-Djdaemon.core.jar=" + coreJar,
                "-Djdaemon.native.jar=" + nativeJar,
                "-Djna.version=" + System.getProperty("jna.version", "5.17.0")));
        String repo = System.getProperty("maven.repo.local", "");
        if (!repo.isEmpty()) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        Files.createDirectories(build);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> output = Example.readAsync(p.getInputStream());
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("building the samples took over 20 minutes: " + cmd);
        }
        return new Reactor(cmd, p.exitValue(), output.join(), build);
    }

    /** The sample's executable jar; skips the calling test if it could not be built here. */
    Path jar() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
        return jar;
    }

    /** {@code example}'s command line with the sample's jar in place of the example's. */
    List<String> command(Example example, String... args) {
        List<String> cmd = example.command(args);
        cmd.set(cmd.indexOf(Example.JAR.toString()), jar().toString());
        return cmd;
    }

    /** {@link #command(Example, String...)} with JVM options (before {@code -jar}). */
    List<String> commandWithJvmOptions(Example example, List<String> jvmOptions, String... args) {
        List<String> cmd = command(example, args);
        cmd.addAll(cmd.indexOf("-jar"), jvmOptions);
        return cmd;
    }
}
