package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Spring Boot 3.5 web service with docs/FRAMEWORKS.md's recipe (the project in
 * {@code daemon-examples/spring-sample}, built here with Maven against this build's jars and
 * repackaged by Spring Boot), started as a user would: {@code java -jar spring-sample.jar
 * --daemon}. It returns 0 only once Spring serves, a port conflict fails with Spring's reason on
 * the launcher's first line, stop runs Spring's graceful shutdown, status and reload work, and a
 * {@code -cp app.jar JarLauncher} command line is named after the jar. Skipped, with the reason,
 * only when Maven cannot download Spring Boot (no network). {@link SpringBoot4IT} runs the same on
 * Spring Boot 4.
 */
class SpringBootIT extends WithExample {

    private static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private SampleBuild sample;

    /** The sample: its project's and its jar's name. */
    String sampleName() {
        return "spring-sample";
    }

    @BeforeEach
    void buildTheSample() throws Exception {
        sample = SampleBuild.of(sampleName());
    }

    private List<String> command(String... args) {
        return sample.command(example, args);
    }

    private List<String> daemon(String... more) {
        List<String> cmd = command("--daemon", "--pidfile=" + example.pidFile, "--log=" + example.log,
                "--sample.stop-marker=" + dir.resolve("stopped"));
        cmd.addAll(List.of(more));
        return cmd;
    }

    private Example.Result control(String action) {
        return example.run(command("--daemon=" + action, "--pidfile=" + example.pidFile));
    }

    private int port() {
        Matcher m = PORT.matcher(example.logText());
        assertThat(m.find()).as("Tomcat's port in %s", example.logText()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theLauncherReturnsOnlyOnceSpringServes() {
        Example.Result r = example.run(daemon("--server.port=0"));

        assertThat(r.exit()).as("launcher stderr: %s", r.err()).isZero();
        long pid = r.startedPid();
        assertThat(r.out()).isEqualTo(sampleName() + " started, pid " + pid + "\n");
        // Right after the launcher returns, with no wait of the test's own:
        assertThat(Example.get(port(), "/health")).isEqualTo("ok");
        assertThat(example.pidFileContent()).isEqualTo(pid + "\n");
        assertThat(new Proc(pid).session()).isNotEqualTo(pid);
    }

    @Test
    void aPortConflictFailsWithSpringsReasonFirst() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Example.Result r = example.run(daemon("--server.port=" + port));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().findFirst()).hasValue(sampleName() + ": failed to start: "
                    + "Web server failed to start. Port " + port + " was already in use. "
                    + "(the daemon exited before it was ready)");
            assertThat(r.err()).contains(sampleName() + ": output in " + example.log + ":",
                    "APPLICATION FAILED TO START");
            assertThat(example.pidFile).doesNotExist();
            Example.awaitTrue(() -> example.processes().isEmpty(), "no process left");
        }
    }

    @Test
    void stopRunsSpringsGracefulShutdown() throws IOException {
        Example.Result start = example.run(daemon("--server.port=0"));
        assertThat(start.exit()).as(start.err()).isZero();
        long pid = start.startedPid();

        Example.Result stop = control("stop");

        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo(sampleName() + " stopped, pid " + pid + "\n");
        assertThat(new Proc(pid).alive()).isFalse();
        assertThat(Files.readString(dir.resolve("stopped"), StandardCharsets.UTF_8))
                .as("@PreDestroy ran").isEqualTo("graceful shutdown ran\n");
        assertThat(example.pidFile).doesNotExist();
    }

    @Test
    void statusAndReloadWorkAndJarLauncherIsNamedAfterTheJar() {
        Example.Result start = example.run(daemon("--server.port=0", "--sighup=reload"));
        assertThat(start.exit()).as(start.err()).isZero();
        long pid = start.startedPid();

        Example.Result status = control("status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).isEqualTo(sampleName() + " is running, pid " + pid + "\n");

        List<String> viaLauncher = new ArrayList<>(List.of(Example.JAVA, "-cp", sample.jar().toString(),
                JAR_LAUNCHER, "--daemon=status", "--pidfile=" + example.pidFile));
        Example.Result named = example.run(viaLauncher);
        assertThat(named.out()).isEqualTo(sampleName() + " is running, pid " + pid + "\n");

        Example.Result reload = control("reload");
        assertThat(reload.exit()).as(reload.err()).isZero();
        Example.awaitTrue(() -> example.logText().contains(sampleName() + " reloaded"), "the reload");
        assertThat(new Proc(pid).alive()).isTrue();
        assertThat(Example.get(port(), "/health")).isEqualTo("ok");
    }

    @Test
    void repackagingKeepsTheNativeAccessEntry() throws IOException {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(sample.jar().toFile())) {
            java.util.jar.Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
            assertThat(main.getValue("Main-Class")).isEqualTo(JAR_LAUNCHER);
        }
    }
}
