package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A framework sample beside the example ({@code daemon-examples/NAME}, a Maven project of its
 * own), built as its user would build it, but against this build's daemon-core and daemon-native
 * jars (system-scoped, so nothing is installed anywhere) into {@code target/NAME}. Bounded: 15
 * minutes, enough for a first download of the framework. When Maven cannot download (no network)
 * the tests that need the jar are skipped with that reason; any other build failure fails them.
 */
final class SampleBuild {

    /** Maven's line when a download failed: the only reason to skip rather than fail. */
    private static final java.util.regex.Pattern DOWNLOAD_FAILED = java.util.regex.Pattern.compile(
            ".*(Could not transfer|Could not resolve|Non-resolvable parent POM|UnknownHostException"
                    + "|Network is unreachable).*");

    private final Path jar;
    private final String skipReason;

    private SampleBuild(Path jar, String skipReason) {
        this.jar = jar;
        this.skipReason = skipReason;
    }

    /** Builds the sample {@code name} ({@code mvn -B -q clean package}); its jar is NAME.jar. */
    static SampleBuild of(String name) throws IOException, InterruptedException {
        Path build = Path.of(System.getProperty("samples.build", "target")).resolve(name);
        Path pom = Path.of(System.getProperty("samples.dir", ".")).resolve(name).resolve("pom.xml");
        Path coreJar = Path.of(System.getProperty("jdaemon.core.jar", "missing"));
        Path nativeJar = Path.of(System.getProperty("jdaemon.native.jar", "missing"));
        assertThat(coreJar).as("daemon-core's jar: run from the root reactor (mvn verify)").isRegularFile();
        assertThat(nativeJar).as("daemon-native's jar: run from the root reactor").isRegularFile();
        String mavenHome = System.getProperty("maven.home", "");
        String mvn = mavenHome.isEmpty() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "-f", pom.toString(), "clean",
                "package", "-Dsample.build.directory=" + build, "-Djdaemon.core.jar=" + coreJar,
                "-Djdaemon.native.jar=" + nativeJar,
                "-Djna.version=" + System.getProperty("jna.version", "5.17.0")));
        String repo = System.getProperty("maven.repo.local", "");
        if (!repo.isEmpty()) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> output = Example.readAsync(p.getInputStream());
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("building " + name + " took over 15 minutes: " + cmd);
        }
        String out = output.join();
        java.util.regex.Matcher offline = DOWNLOAD_FAILED.matcher(out);
        if (p.exitValue() != 0 && offline.find()) {
            return new SampleBuild(null, "Maven could not download what " + name + " needs (no "
                    + "network?): " + offline.group().trim());
        }
        assertThat(p.exitValue()).as("building %s: %s%n%s", name, cmd, out).isZero();
        Path jar = build.resolve(name + ".jar");
        assertThat(jar).isRegularFile();
        return new SampleBuild(jar, null);
    }

    /** The sample's executable jar; skips the calling test if it could not be downloaded. */
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
}
