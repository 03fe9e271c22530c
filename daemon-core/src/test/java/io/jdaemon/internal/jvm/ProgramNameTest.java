package io.jdaemon.internal.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramNameTest {

    private static String name(String... rawAfterArgv0) throws IOException {
        List<String> raw = new ArrayList<>();
        raw.add("java");
        raw.addAll(Arrays.asList(rawAfterArgv0));
        return ProgramName.of(JvmCommandLine.parse("/opt/jdk/bin/java", raw, Path.of("/srv/app")));
    }

    @Test
    void aJarIsNamedByItsFileName() throws IOException {
        assertThat(name("-jar", "target/app.jar", "--daemon")).isEqualTo("app");
        assertThat(name("-Xmx64m", "-jar", "/opt/my-service-1.2.jar")).isEqualTo("my-service");
    }

    @Test
    void aVersionSuffixIsNotPartOfTheName() throws IOException {
        assertThat(name("-jar", "mn-daemon-1.0.jar")).isEqualTo("mn-daemon");
        assertThat(name("-jar", "app-1.2.0-SNAPSHOT.jar")).isEqualTo("app");
        assertThat(name("-jar", "orders-2.3.4-all.jar")).isEqualTo("orders");
        assertThat(name("-cp", "app-3.1.war", "org.springframework.boot.loader.launch.WarLauncher"))
                .isEqualTo("app");
        // Digits without a dot are part of a name.
        assertThat(name("-jar", "jetty-12-sample.jar")).isEqualTo("jetty-12-sample");
        assertThat(name("-jar", "svc-2.jar")).isEqualTo("svc-2");
        assertThat(name("-jar", "1.0.jar")).isEqualTo("1.0");
    }

    @Test
    void theVersionStartsAtTheFirstDashThatStartsOne() {
        assertThat(ProgramName.withoutVersion("a-b-1.2.3.RELEASE")).isEqualTo("a-b");
        assertThat(ProgramName.withoutVersion("a-1.2-b-3.4")).isEqualTo("a");
        assertThat(ProgramName.withoutVersion("a-1.2.x-y9")).isEqualTo("a");
        // Not a version to its end: the whole name.
        assertThat(ProgramName.withoutVersion("a-1.2a")).isEqualTo("a-1.2a");
        assertThat(ProgramName.withoutVersion("a-1.2-")).isEqualTo("a-1.2-");
        assertThat(ProgramName.withoutVersion("a-1.2.")).isEqualTo("a-1.2.");
        assertThat(ProgramName.withoutVersion("a-1.")).isEqualTo("a-1.");
        assertThat(ProgramName.withoutVersion("a-.1")).isEqualTo("a-.1");
        assertThat(ProgramName.withoutVersion("-1.2")).isEqualTo("-1.2");
    }

    @Test
    void quarkusIsNamedByItsApplicationNotItsRunner(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        // No jar there: the directory holding quarkus-app.
        assertThat(name("-jar", "/opt/orders/quarkus-app/quarkus-run.jar")).isEqualTo("orders");
        // The manifest's Implementation-Title, as Quarkus writes it.
        Path app = java.nio.file.Files.createDirectories(dir.resolve("target/quarkus-app"));
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.IMPLEMENTATION_TITLE, "billing");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
                java.nio.file.Files.newOutputStream(app.resolve("quarkus-run.jar")), mf)) {
            out.flush();
        }
        assertThat(name("-jar", app.resolve("quarkus-run.jar").toString())).isEqualTo("billing");
    }

    @Test
    void aJarPathWithSpacesKeepsItsWholeName() throws IOException {
        assertThat(name("-jar", "/dir with space/app.jar", "--daemon=status")).isEqualTo("app");
        assertThat(name("-cp", "/dir with space/app.jar",
                "org.springframework.boot.loader.launch.JarLauncher")).isEqualTo("app");
    }

    @Test
    void springBootsLauncherIsNamedByTheJarItLaunches() throws IOException {
        assertThat(name("-cp", "app.jar", "org.springframework.boot.loader.launch.JarLauncher",
                "--daemon")).isEqualTo("app");
        assertThat(name("-classpath", "lib/app.war", "org.springframework.boot.loader.launch.WarLauncher"))
                .isEqualTo("app");
        assertThat(name("--class-path=app.jar", "org.springframework.boot.loader.JarLauncher"))
                .isEqualTo("app");
        // With more than one entry the launcher does not say which jar is the service.
        assertThat(name("-cp", "app.jar:extra.jar", "org.springframework.boot.loader.launch.JarLauncher"))
                .isEqualTo("JarLauncher");
    }

    @Test
    void anExplodedSpringBootJarIsNamedByItsStartClass(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        java.nio.file.Files.createDirectories(dir.resolve("META-INF"));
        java.nio.file.Files.writeString(dir.resolve("META-INF/MANIFEST.MF"), "Manifest-Version: 1.0\n"
                + "Main-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                + "Start-Class: com.example.orders.OrdersApplication\n");
        assertThat(name("-cp", dir.toString(), "org.springframework.boot.loader.launch.JarLauncher"))
                .isEqualTo("OrdersApplication");
        // A directory without a manifest names the launcher, as any main class.
        assertThat(name("-cp", dir.resolve("META-INF").toString(),
                "org.springframework.boot.loader.launch.JarLauncher")).isEqualTo("JarLauncher");
    }

    @Test
    void aMainClassIsNamedBySimpleName() throws IOException {
        assertThat(name("-cp", "classes:lib/*", "com.example.OrderService", "--port=1"))
                .isEqualTo("OrderService");
        assertThat(name("Main")).isEqualTo("Main");
        // An application's own class called JarLauncher is just a class.
        assertThat(name("-cp", "app.jar", "com.example.JarLauncher")).isEqualTo("JarLauncher");
    }

    @Test
    void modulesAndSourceFiles() throws IOException {
        // The module, with or without its main class: one name for start and control.
        assertThat(name("-p", "mods", "-m", "com.example.orders/com.example.orders.Server"))
                .isEqualTo("com.example.orders");
        assertThat(name("-p", "mods", "--module", "com.example.orders")).isEqualTo("com.example.orders");
        assertThat(name("--module=com.example.orders")).isEqualTo("com.example.orders");
        assertThat(name("src/Tool.java", "x")).isEqualTo("Tool");
    }

    @Test
    void nothingToNameIsJava() throws IOException {
        assertThat(name()).isEqualTo("java");
        assertThat(name("-version")).isEqualTo("java");
    }
}
