package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A modular service ({@code module demo.mod { requires io.jdaemon; }}), built here against this
 * build's jars, on the module path with daemon-native and JNA and without SLF4J: it runs in the
 * foreground, as a daemon, reloads and stops, under one name, from the JDK and from a jlink image
 * made of the modules the README lists.
 */
class ModularIT extends WithExample {

    private static final String JAVA = Example.JAVA;
    Path mods;

    @BeforeEach
    void buildTheModule() throws IOException {
        mods = Files.createDirectories(dir.resolve("mods"));
        Path core = Path.of(System.getProperty("jdaemon.core.jar", "missing"));
        Path nativeJar = Path.of(System.getProperty("jdaemon.native.jar", "missing"));
        String jnaVersion = System.getProperty("jna.version", "5.17.0");
        Path jna = Path.of(System.getProperty("maven.repo.local", System.getProperty("user.home")
                + "/.m2/repository"), "net/java/dev/jna/jna", jnaVersion, "jna-" + jnaVersion + ".jar");
        for (Path jar : List.of(core, nativeJar, jna)) {
            assertThat(jar).as("run from the root reactor (mvn verify)").isRegularFile();
            Files.copy(jar, mods.resolve(jar.getFileName()));
        }
        String main = "package demo.mod;\n"
                + "import io.jdaemon.Daemon;\n"
                + "import io.jdaemon.DaemonOptions;\n"
                + "import java.nio.file.Path;\n"
                + "import java.util.Arrays;\n"
                + "import java.util.concurrent.CountDownLatch;\n"
                + "public class Main {\n"
                + "  public static void main(String[] args) throws Exception {\n"
                + "    args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());\n"
                + "    Daemon.onReload(() -> System.out.println(\"demo.mod reloaded\"));\n"
                + "    System.out.println(\"demo.mod serving \" + String.join(\" \", args) + \" in \"\n"
                + "        + Path.of(\"\").toAbsolutePath());\n"
                + "    Daemon.ready();\n"
                + "    if (Arrays.asList(args).contains(\"--once\")) { return; }\n"
                + "    new CountDownLatch(1).await();\n"
                + "  }\n"
                + "}\n";
        TestJars.build(Files.createDirectories(dir.resolve("build")), mods.resolve("demo.mod.jar"),
                Map.of("module-info.java", "module demo.mod { requires io.jdaemon; }\n",
                        "demo/mod/Main.java", main),
                Map.of(), "demo.mod.Main", "-p", mods.toString());
    }

    /** {@code JAVA [tmpdir] -p mods OPTIONS -m MODULE ARGS}. */
    private List<String> modular(String java, List<String> options, String module, String... args) {
        List<String> cmd = new ArrayList<>(example.command());
        int jar = cmd.indexOf("-jar");
        cmd.subList(jar, cmd.size()).clear();
        cmd.set(0, java);
        cmd.addAll(List.of("-p", mods.toString()));
        cmd.addAll(options);
        cmd.addAll(List.of("-m", module));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void inTheForeground() {
        Example.Result r = example.run(modular(JAVA, List.of(), "demo.mod/demo.mod.Main", "--once", "x"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("demo.mod serving --once x in " + dir + "\n");
        assertThat(r.err()).isEmpty(); // no SLF4J warning, no NoClassDefFoundError
    }

    @Test
    void asADaemonItStartsReloadsAndStopsUnderOneName() throws IOException {
        List<String> options = new ArrayList<>(List.of("--add-modules", "java.management",
                "--add-opens", "java.base/java.lang=demo.mod"));
        if (Runtime.version().feature() >= 22) {
            // As the README says: JNA, loaded by a reload daemon, is the module com.sun.jna here,
            // and JDK 22+ warns in the log unless it may use native code.
            options.add("--enable-native-access=com.sun.jna");
        }
        Example.Result start = example.run(modular(JAVA, options, "demo.mod/demo.mod.Main", "--daemon",
                "--pidfile=" + example.pidFile, "--log=" + example.log, "--sighup=reload"));
        assertThat(start.exit()).as(start.err()).isZero();
        long pid = start.startedPid();
        assertThat(start.out()).isEqualTo("demo.mod started, pid " + pid + "\n");
        // The module options reach the daemon's JVM through its private argument file (the JVM
        // shows them in the NAME=VALUE form); -m stays on the command line.
        assertThat(new Proc(pid).jvmArgs()).contains("--module-path=" + mods,
                "--add-modules=java.management", "--add-opens=java.base/java.lang=demo.mod");
        assertThat(String.join(" ", new Proc(pid).cmdline())).contains(" -m demo.mod/demo.mod.Main --daemon");

        Example.Result reload = example.run(modular(JAVA, List.of(), "demo.mod", "--daemon=reload",
                "--pidfile=" + example.pidFile));
        assertThat(reload.exit()).as(reload.err()).isZero();
        Example.awaitTrue(() -> example.logText().contains("demo.mod reloaded"), "the reload in the log");

        Example.Result stop = example.run(modular(JAVA, List.of(), "demo.mod", "--daemon=stop",
                "--pidfile=" + example.pidFile));
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo("demo.mod stopped, pid " + pid + "\n");
        assertThat(example.logText()).isEqualTo("demo.mod serving  in " + dir + "\ndemo.mod reloaded\n");
    }

    @Test
    void inAJlinkImageOfTheListedModules() throws IOException {
        Path image = dir.resolve("image");
        TestJars.run("jlink", List.of("--add-modules", "java.base,jdk.unsupported,java.logging",
                "--output", image.toString(), "--no-header-files", "--no-man-pages"));
        String java = image.resolve("bin/java").toString();
        Example.Result start = example.run(modular(java, List.of(), "demo.mod", "--daemon",
                "--pidfile=" + example.pidFile, "--log=" + example.log, "--sighup=reload"));
        assertThat(start.exit()).as(start.err()).isZero();
        long pid = start.startedPid();
        assertThat(new Proc(pid).cmdline().get(0)).isEqualTo(java);
        assertThat(example.run(modular(java, List.of(), "demo.mod", "--daemon=reload",
                "--pidfile=" + example.pidFile)).exit()).isZero();
        Example.awaitTrue(() -> example.logText().contains("demo.mod reloaded"), "the reload in the log");
        Example.Result stop = example.run(modular(java, List.of(), "demo.mod", "--daemon=stop",
                "--pidfile=" + example.pidFile));
        assertThat(stop.out()).as(stop.err()).isEqualTo("demo.mod stopped, pid " + pid + "\n");
    }
}
