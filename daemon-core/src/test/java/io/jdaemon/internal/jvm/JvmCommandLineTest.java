package io.jdaemon.internal.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.handshake.Handshake;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class JvmCommandLineTest {

    private static final String EXE = "/opt/jdk/bin/java";
    private static final Path CWD = Path.of("/home/u/app");

    private static List<String> parse(String... rawAfterArgv0) throws IOException {
        return parseIn(CWD, rawAfterArgv0);
    }

    private static List<String> parseIn(Path cwd, String... rawAfterArgv0) throws IOException {
        List<String> raw = new ArrayList<>();
        raw.add("java");
        raw.addAll(Arrays.asList(rawAfterArgv0));
        return JvmCommandLine.parse(EXE, raw, cwd).argv();
    }

    @Test
    void argv0IsReplacedByTheExecutable() throws IOException {
        assertThat(parse("Main")).containsExactly(EXE, "Main");
        assertThat(JvmCommandLine.parse(EXE, List.of("./bin/java", "-version"), CWD).argv())
                .containsExactly(EXE, "-version");
    }

    @Test
    void onlyArgv0() throws IOException {
        assertThat(JvmCommandLine.parse(EXE, List.of("java"), CWD).argv()).containsExactly(EXE);
        assertThat(JvmCommandLine.parse(EXE, List.of(), CWD).argv()).containsExactly(EXE);
    }

    @Test
    void classPathEntriesBecomeAbsolute() throws IOException {
        for (String option : List.of("-cp", "-classpath", "--class-path")) {
            assertThat(parse(option, "lib/a.jar::.:/abs/b.jar:lib/*:classes/", "Main", "x"))
                    .as(option)
                    .containsExactly(EXE, option,
                            "/home/u/app/lib/a.jar:/home/u/app:/home/u/app:/abs/b.jar:/home/u/app/lib/*:"
                                    + "/home/u/app/classes/",
                            "Main", "x");
        }
    }

    @Test
    void classPathEqualsForm() throws IOException {
        assertThat(parse("--class-path=x:/y", "Main"))
                .containsExactly(EXE, "--class-path=/home/u/app/x:/y", "Main");
        assertThat(parse("--class-path=", "Main")).containsExactly(EXE, "--class-path=/home/u/app", "Main");
    }

    @Test
    void emptyAndDotClassPathIsTheWorkingDirectory() throws IOException {
        assertThat(parse("-cp", "", "Main")).containsExactly(EXE, "-cp", "/home/u/app", "Main");
        assertThat(parse("-cp", ".", "Main")).containsExactly(EXE, "-cp", "/home/u/app", "Main");
        assertThat(parse("-cp", "a:", "Main")).containsExactly(EXE, "-cp", "/home/u/app/a:/home/u/app", "Main");
    }

    @Test
    void workingDirectoryWithTrailingSlash() throws IOException {
        assertThat(parseIn(Path.of("/"), "-cp", "lib/a.jar:.", "Main"))
                .containsExactly(EXE, "-cp", "/lib/a.jar:/", "Main");
    }

    @Test
    void jarBecomesAbsoluteAndItsArgumentsStayVerbatim() throws IOException {
        assertThat(parse("-Xmx64m", "-jar", "build/app.jar", "-cp", "rel", "@file", "--daemon",
                "-javaagent:x.jar", "-Djdaemon.launcher=keep", "Main", "--", "x.java"))
                .containsExactly(EXE, "-Xmx64m", "-jar", "/home/u/app/build/app.jar", "-cp", "rel",
                        "@file", "--daemon", "-javaagent:x.jar", "-Djdaemon.launcher=keep", "Main", "--",
                        "x.java");
        assertThat(parse("-jar", "/abs/app.jar")).containsExactly(EXE, "-jar", "/abs/app.jar");
    }

    @Test
    void appArgumentsAfterTheMainClassStayVerbatim() throws IOException {
        assertThat(parse("-cp", "lib", "com.example.Main", "-cp", "rel", "@@literal", "@file",
                "Other.java", "-jar", "x.jar"))
                .containsExactly(EXE, "-cp", "/home/u/app/lib", "com.example.Main", "-cp", "rel",
                        "@@literal", "@file", "Other.java", "-jar", "x.jar");
    }

    @Test
    void moduleTerminatesOptions() throws IOException {
        assertThat(parse("-p", "mods:/abs/mods", "-m", "my.mod/my.pkg.Main", "-cp", "rel", "@f"))
                .containsExactly(EXE, "-p", "/home/u/app/mods:/abs/mods", "-m", "my.mod/my.pkg.Main",
                        "-cp", "rel", "@f");
        assertThat(parse("--module-path=mods", "--module=my.mod/my.pkg.Main", "-jar", "x.jar"))
                .containsExactly(EXE, "--module-path=/home/u/app/mods", "--module=my.mod/my.pkg.Main",
                        "-jar", "x.jar");
        assertThat(parse("--module-path", "mods", "--module", "my.mod", "-p", "q"))
                .containsExactly(EXE, "--module-path", "/home/u/app/mods", "--module", "my.mod", "-p", "q");
    }

    @Test
    void upgradeModulePath() throws IOException {
        assertThat(parse("--upgrade-module-path", "up", "Main"))
                .containsExactly(EXE, "--upgrade-module-path", "/home/u/app/up", "Main");
    }

    @Test
    void javaAgentPathBecomesAbsoluteOptionsKept() throws IOException {
        assertThat(parse("-javaagent:agents/rel.jar=opts=1,b=/x", "-javaagent:/abs/a.jar",
                "-javaagent:plain.jar", "Main"))
                .containsExactly(EXE, "-javaagent:/home/u/app/agents/rel.jar=opts=1,b=/x",
                        "-javaagent:/abs/a.jar", "-javaagent:/home/u/app/plain.jar", "Main");
    }

    @Test
    void agentPath() throws IOException {
        assertThat(parse("-agentpath:lib/libagent.so=verbose", "-agentpath:/abs/lib.so",
                "-agentlib:jdwp=transport=dt_socket", "Main"))
                .containsExactly(EXE, "-agentpath:/home/u/app/lib/libagent.so=verbose",
                        "-agentpath:/abs/lib.so", "-agentlib:jdwp=transport=dt_socket", "Main");
    }

    @Test
    void patchModule() throws IOException {
        assertThat(parse("--patch-module", "java.base=a:/b:c", "Main"))
                .containsExactly(EXE, "--patch-module", "java.base=/home/u/app/a:/b:/home/u/app/c", "Main");
        assertThat(parse("--patch-module=m=patch", "Main"))
                .containsExactly(EXE, "--patch-module=m=/home/u/app/patch", "Main");
    }

    @Test
    void libraryPathAndBootClassPath() throws IOException {
        assertThat(parse("-Djava.library.path=a:/b", "-Xbootclasspath/a:boot.jar", "-Dother=rel", "Main"))
                .containsExactly(EXE, "-Djava.library.path=/home/u/app/a:/b",
                        "-Xbootclasspath/a:/home/u/app/boot.jar", "-Dother=rel", "Main");
    }

    @Test
    void vmOptionFilesAndSplash() throws IOException {
        assertThat(parse("-XX:Flags=.hotspotrc", "-XX:VMOptionsFile=conf/vm.opts", "-splash:img/s.png",
                "-XX:+UseG1GC", "Main"))
                .containsExactly(EXE, "-XX:Flags=/home/u/app/.hotspotrc",
                        "-XX:VMOptionsFile=/home/u/app/conf/vm.opts", "-splash:/home/u/app/img/s.png",
                        "-XX:+UseG1GC", "Main");
    }

    @Test
    void otherSpacedOptionsKeepTheirValues() throws IOException {
        assertThat(parse("--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-modules", "a,b",
                "--add-exports", "m/p=ALL-UNNAMED", "--limit-modules", "java.base", "Main"))
                .containsExactly(EXE, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-modules",
                        "a,b", "--add-exports", "m/p=ALL-UNNAMED", "--limit-modules", "java.base", "Main");
    }

    @Test
    void sourceFileBecomesAbsolute() throws IOException {
        assertThat(parse("--source", "17", "src/Hello.java", "a", "b.java"))
                .containsExactly(EXE, "--source", "17", "/home/u/app/src/Hello.java", "a", "b.java");
        assertThat(parse("Hello.java")).containsExactly(EXE, "/home/u/app/Hello.java");
    }

    @Test
    void argFileIsExpandedInline(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("opts"), "-cp lib/a.jar -Dx=\"a b\"\n# comment\n");
        assertThat(parseIn(dir, "-Xss1m", "@opts", "Main", "y"))
                .containsExactly(EXE, "-Xss1m", "-cp", dir + "/lib/a.jar", "-Dx=a b", "Main", "y");
    }

    @Test
    void argFileByAbsolutePathAndHoldingTheMainClass(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("all args");
        Files.writeString(file, "-jar app.jar --port 8080 @notExpanded\n");
        assertThat(parseIn(Path.of("/srv"), "@" + file, "extra"))
                .containsExactly(EXE, "-jar", "/srv/app.jar", "--port", "8080", "@notExpanded", "extra");
    }

    @Test
    void escapedAtIsNotAnArgFile() throws IOException {
        // An app argument keeps both @ (the java launcher passes it on untouched).
        assertThat(parse("-cp", "x", "Main", "@@literal")).containsExactly(EXE, "-cp", "/home/u/app/x",
                "Main", "@@literal");
        // Before the main class the java launcher reads @@literal as the argument @literal; the
        // rebuilt command line is read by the launcher again, so it keeps the escape.
        assertThat(parse("-cp", "x", "@@literal")).containsExactly(EXE, "-cp", "/home/u/app/x",
                "@@literal");
    }

    @Test
    void disableArgFilesStopsExpansion() throws IOException {
        assertThat(parse("--disable-@files", "-Xss1m", "@missing-file", "a"))
                .containsExactly(EXE, "--disable-@files", "-Xss1m", "@missing-file", "a");
    }

    @Test
    void disableArgFilesInsideAnArgFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("f"), "--disable-@files -cp c");
        assertThat(parseIn(dir, "@f", "@missing", "Main"))
                .containsExactly(EXE, "--disable-@files", "-cp", dir + "/c", "@missing", "Main");
    }

    @Test
    void markerIsDropped(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("f"), "-Djdaemon.launcher=/old/socket2 -Xss1m");
        assertThat(parseIn(dir, "-Djdaemon.launcher=/old/socket", "@f", "-Dkeep=1", "Main",
                "-Djdaemon.launcher=app-arg"))
                .containsExactly(EXE, "-Xss1m", "-Dkeep=1", "Main", "-Djdaemon.launcher=app-arg");
    }

    @Test
    void withPropertyComesRightAfterArgv0ExactlyOnce() throws IOException {
        JvmCommandLine jvm = JvmCommandLine.parse(EXE,
                List.of("java", "-Djdaemon.launcher=old", "-Xmx1g", "-cp", "c", "Main", "a"), CWD);
        List<String> argv = jvm.withProperty(Handshake.MARKER, "/tmp/sock");
        assertThat(argv).containsExactly(EXE, "-Djdaemon.launcher=/tmp/sock", "-Xmx1g", "-cp",
                "/home/u/app/c", "Main", "a");
        List<String> p = jvm.withProperty("p", "v");
        assertThat(p.get(1)).isEqualTo("-Dp=v");
        assertThat(Collections.frequency(p, "-Dp=v")).isEqualTo(1);
        assertThat(p.subList(2, p.size())).isEqualTo(jvm.argv().subList(1, jvm.argv().size()));
        // withProperty does not change the command line itself
        assertThat(jvm.argv()).containsExactly(EXE, "-Xmx1g", "-cp", "/home/u/app/c", "Main", "a");
    }

    @Test
    void jvmOptionsGoBeforeWhatIsRunWithTheirPathsAbsolute() throws IOException {
        List<String> daemonOnly = List.of("-Xms4g", "-javaagent:agent.jar=9404:c.yaml",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--module-path=mods");
        assertThat(JvmCommandLine.parse(EXE, List.of("java", "-Xmx1g", "-jar", "app.jar", "a"), CWD)
                .withJvmOptions(daemonOnly).argv()).containsExactly(EXE, "-Xmx1g", "-Xms4g",
                "-javaagent:/home/u/app/agent.jar=9404:c.yaml",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--module-path=/home/u/app/mods",
                "-jar", "/home/u/app/app.jar", "a");
        JvmCommandLine modular = JvmCommandLine.parse(EXE,
                List.of("java", "-p", "mods", "-m", "demo/demo.Main", "-Xms1g"), CWD)
                .withJvmOptions(List.of("-Xms2g"));
        assertThat(modular.argv()).containsExactly(EXE, "-p", "/home/u/app/mods", "-Xms2g", "-m",
                "demo/demo.Main", "-Xms1g");
        assertThat(modular.serviceArgs()).containsExactly("-Xms1g"); // the service's, untouched
        assertThat(modular.jvmOptions()).containsExactly("-p", "/home/u/app/mods", "-Xms2g");
        assertThat(JvmCommandLine.parse(EXE, List.of("java", "-cp", "c", "pkg.Main"), CWD)
                .withJvmOptions(List.of("-Da=1")).withProperty("p", "v"))
                .containsExactly(EXE, "-Dp=v", "-cp", "/home/u/app/c", "-Da=1", "pkg.Main");
        assertThat(JvmCommandLine.parse(EXE, List.of("java", "--module=demo", "x"), CWD)
                .withJvmOptions(List.of("-Da=1")).argv())
                .containsExactly(EXE, "-Da=1", "--module=demo", "x");
    }

    @Test
    void withPropertyRemovesAnEarlierSetting() throws IOException {
        JvmCommandLine jvm = JvmCommandLine.parse(EXE, List.of("java", "-Dp=old", "-cp", "c", "Main"), CWD);
        assertThat(jvm.withProperty("p", "v")).containsExactly(EXE, "-Dp=v", "-cp", "/home/u/app/c", "Main");
    }

    @Test
    void argFileAndEscapedAtAsOptionValue(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cp.txt"), "lib/a.jar:lib/b.jar\n");
        assertThat(parseIn(dir, "-cp", "@cp.txt", "Main"))
                .containsExactly(EXE, "-cp", dir + "/lib/a.jar:" + dir + "/lib/b.jar", "Main");
        assertThat(parseIn(dir, "-cp", "@@dir", "Main")).containsExactly(EXE, "-cp", dir + "/@dir", "Main");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void currentIsThisJvm() throws IOException {
        JvmCommandLine current = JvmCommandLine.current();
        List<String> argv = current.argv();
        assertThat(argv.get(0)).isEqualTo(Path.of("/proc/self/exe").toRealPath().toString());
        assertThat(argv).doesNotContain("-D" + Handshake.MARKER);

        String command = System.getProperty("sun.java.command", "");
        String first = command.split(" ", 2)[0];
        if (first.endsWith(".jar")) {
            int jar = argv.indexOf("-jar");
            assertThat(jar).as("argv %s has -jar", argv).isPositive();
            assertThat(argv.get(jar + 1)).isEqualTo(Path.of(first).toAbsolutePath().toString());
        } else {
            assertThat(argv).as("argv has the main class %s", first).contains(first);
        }
        // Every JVM option this JVM got on its command line is there once (modulo absolute paths).
        List<String> raw = rawCmdline();
        assertThat(argv.size()).isGreaterThanOrEqualTo(raw.size());
        for (String input : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (raw.contains(input) && input.startsWith("-X")) {
                assertThat(argv).as("argv has %s", input).contains(input);
            }
        }
    }

    private static List<String> rawCmdline() throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    @Test
    void theDaemonsCommandLineNamesAnArgumentFileInsteadOfTheOptions() throws IOException {
        JvmCommandLine jvm = JvmCommandLine.parse(EXE, List.of("java", "-Dsecret=pw", "-Djdaemon.launcher=x",
                "-cp", "lib", "-Xmx1g", "Main", "-Dnot=an-option", "@arg"), CWD);

        assertThat(jvm.options("jdaemon.launcher")).containsExactly("-Dsecret=pw", "-cp", "/home/u/app/lib",
                "-Xmx1g");
        assertThat(jvm.withPropertyAndArgFile("jdaemon.launcher", "/tmp/d", "/tmp/d/jvm-options"))
                .containsExactly(EXE, "-Djdaemon.launcher=/tmp/d", "@/tmp/d/jvm-options", "Main",
                        "-Dnot=an-option", "@arg");
        assertThat(jvm.withPropertyAndArgFile("jdaemon.launcher", "/tmp/d", null))
                .containsExactly(EXE, "-Djdaemon.launcher=/tmp/d", "Main", "-Dnot=an-option", "@arg");
    }

    @Test
    void optionsInTheArgumentFileAreAsTheJvmReadsThemNotEscaped() throws IOException {
        JvmCommandLine jvm = JvmCommandLine.parse(EXE, List.of("java", "--add-modules", "@@m", "-jar",
                "app.jar"), CWD);
        assertThat(jvm.argv()).containsExactly(EXE, "--add-modules", "@@m", "-jar", "/home/u/app/app.jar");
        assertThat(jvm.options("jdaemon.launcher")).containsExactly("--add-modules", "@m");
    }

    @Test
    void aDaemonsOwnPrivateArgumentFileIsNotReadAgain() throws IOException {
        // The daemon removed it once its JVM had read it: its command line parses without it.
        JvmCommandLine daemon = JvmCommandLine.parse(EXE, List.of("java", "-Djdaemon.launcher=/nonexistent/d",
                "@/nonexistent/d/jvm-options", "-jar", "/a/app.jar", "--port=1"), CWD);
        assertThat(daemon.argv()).containsExactly(EXE, "-jar", "/a/app.jar", "--port=1");
        assertThat(daemon.serviceArgs()).containsExactly("--port=1");
    }
}
