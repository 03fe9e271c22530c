package io.jdaemon.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.jvm.JvmCommandLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {

    @TempDir
    Path dir;

    private static String unit(String exe, Map<String, String> env, String... args)
            throws IOException {
        List<String> raw = new ArrayList<>(List.of(exe, "-Xmx64m", "-jar", "app.jar"));
        raw.addAll(List.of(args));
        JvmCommandLine jvm = JvmCommandLine.parse(exe, raw, Path.of("/srv/app"));
        Flags.Parsed parsed = Flags.parse(jvm.serviceArgs().toArray(new String[0]),
                DaemonOptions.defaults());
        return SystemdUnit.of(DaemonOptions.defaults(), parsed, jvm, "app", env);
    }

    /** The value of the one line {@code KEY=...}, or null. */
    private static String setting(String unit, String key) {
        String found = null;
        for (String line : unit.split("\n")) {
            if (line.startsWith(key + "=")) {
                assertThat(found).as("%s given twice", key).isNull();
                found = line.substring(key.length() + 1);
            }
        }
        return found;
    }

    /** ExecStart's words as systemd reads them (continuations joined, specifiers, quotes, $$). */
    private static List<String> execStart(String unit) {
        String joined = unit.replace("\\\n", " ");
        return SystemdWords.execWords(setting(joined, "ExecStart"));
    }

    @Test
    void quoteEscapesWhatSystemdWouldReadOtherwise() {
        assertThat(SystemdUnit.quote("plain-word/x.jar", true)).isEqualTo("plain-word/x.jar");
        assertThat(SystemdUnit.quote("a b", true)).isEqualTo("\"a b\"");
        assertThat(SystemdUnit.quote("$HOME", true)).isEqualTo("$$HOME");
        assertThat(SystemdUnit.quote("$HOME", false)).isEqualTo("$HOME");
        assertThat(SystemdUnit.quote("100%", true)).isEqualTo("100%%");
        assertThat(SystemdUnit.quote("say \"hi\"", true)).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(SystemdUnit.quote("it's", true)).isEqualTo("\"it\\'s\"");
        assertThat(SystemdUnit.quote("C:\\dir", true)).isEqualTo("\"C:\\\\dir\"");
        assertThat(SystemdUnit.quote("one\ntwo\tthree", true)).isEqualTo("\"one\\ntwo\\tthree\"");
        assertThat(SystemdUnit.quote("\u0001", true)).isEqualTo("\"\\x01\"");
        assertThat(SystemdUnit.quote("", true)).isEqualTo("\"\"");
        assertThat(SystemdUnit.quote(";", true)).isEqualTo("\";\"");
        assertThat(SystemdUnit.quote("a;b", true)).isEqualTo("a;b");
    }

    @Test
    void everyQuotedWordReadsBackAsItWas() {
        String alphabet = "ab $%\"'\\;\n\t\u0001\u007f{}=-é";
        Random random = new Random(26);
        for (int n = 0; n < 2000; n++) {
            StringBuilder word = new StringBuilder();
            for (int k = random.nextInt(8); k > 0; k--) {
                word.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String w = word.toString();
            assertThat(SystemdWords.execWords("/bin/x " + SystemdUnit.quote(w, true)))
                    .as("exec %s", w).containsExactly("/bin/x", w);
            assertThat(SystemdWords.environmentWords(SystemdUnit.quote(w, false))).as("env %s", w)
                    .containsExactly(w);
        }
    }

    @Test
    void theFlagsBecomeTheUnitsSettings() throws IOException {
        String unit = unit("/usr/lib/jvm/java-17/bin/java",
                Map.of("JDK_JAVA_OPTIONS", "-Xss1m -Dx=$y"), "--daemon=unit", "--port=80",
                "--pidfile", "/run/app/app.pid", "--log=/var/log/app/app.log",
                "--user=svc:web", "--keep-caps=net_bind_service", "--sighup=reload",
                "--workdir=/var/lib/app", "--umask=027", "--start-timeout=30",
                "--stop-timeout=45", "--jvm-option=-Xms1g", "--jvm-option", "-Dport=%i",
                "--force", "--", "--log=the-service's");

        assertThat(unit).startsWith("# app: a systemd unit written by --daemon=unit");
        assertThat(setting(unit, "Description")).isEqualTo("app");
        assertThat(setting(unit, "Type")).isEqualTo("notify");
        assertThat(execStart(unit)).containsExactly("/usr/lib/jvm/java-17/bin/java", "-Xmx64m",
                "-Xms1g", "-Dport=%i", "-jar", "/srv/app/app.jar", "--pidfile=/run/app/app.pid",
                "--sighup=reload",
                "--port=80", "--force", "--", "--log=the-service's");
        assertThat(setting(unit, "Environment")).isEqualTo("\"JDK_JAVA_OPTIONS=-Xss1m -Dx=$y\"");
        assertThat(setting(unit, "ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(setting(unit, "SuccessExitStatus")).isEqualTo("143");
        assertThat(setting(unit, "User")).isEqualTo("svc");
        assertThat(setting(unit, "Group")).isEqualTo("web");
        assertThat(setting(unit, "AmbientCapabilities")).isEqualTo("CAP_NET_BIND_SERVICE");
        assertThat(setting(unit, "CapabilityBoundingSet")).isEqualTo("CAP_NET_BIND_SERVICE");
        assertThat(setting(unit, "WorkingDirectory")).isEqualTo("/var/lib/app");
        assertThat(setting(unit, "UMask")).isEqualTo("0027");
        assertThat(setting(unit, "TimeoutStartSec")).isEqualTo("30");
        assertThat(setting(unit, "TimeoutStopSec")).isEqualTo("45");
        assertThat(setting(unit, "StandardOutput")).isEqualTo("append:/var/log/app/app.log");
        assertThat(setting(unit, "WantedBy")).isEqualTo("multi-user.target");
    }

    @Test
    void listenStaysOnTheCommandLine() throws IOException {
        String unit = unit("/usr/bin/java", Map.of(), "--daemon=unit", "--listen=[::1]:8080", "serve");
        assertThat(execStart(unit)).containsExactly("/usr/bin/java", "-Xmx64m", "-jar",
                "/srv/app/app.jar", "--listen=[::1]:8080", "serve");
    }

    @Test
    void withoutFlagsTheUnitHasTheLibrarysDefaults() throws IOException {
        String unit = unit("/usr/bin/java", Map.of(), "--daemon=unit", "serve");
        assertThat(execStart(unit)).containsExactly("/usr/bin/java", "-Xmx64m", "-jar",
                "/srv/app/app.jar", "serve");
        // The launching directory, as for the daemon.
        assertThat(setting(unit, "WorkingDirectory"))
                .isEqualTo(Path.of("").toAbsolutePath().toString());
        assertThat(setting(unit, "UMask")).isEqualTo("0022");
        assertThat(setting(unit, "TimeoutStartSec")).isEqualTo("60");
        assertThat(setting(unit, "TimeoutStopSec")).isEqualTo("120");
        for (String absent : List.of("User", "Group", "AmbientCapabilities", "ExecReload",
                "StandardOutput", "Environment")) {
            assertThat(setting(unit, absent)).as(absent).isNull();
        }
    }

    @Test
    void aPidfileSetInCodeIsGivenAsAFlag() throws IOException {
        DaemonOptions defaults = DaemonOptions.builder().pidFile(Path.of("/run/app/app.pid"))
                .sighup(DaemonOptions.Sighup.IGNORE).build();
        JvmCommandLine jvm = JvmCommandLine.parse("/usr/bin/java",
                List.of("java", "-cp", "/opt/app/lib/*", "app.Main", "--daemon=unit"),
                Path.of("/"));
        Flags.Parsed parsed = Flags.parse(jvm.serviceArgs().toArray(new String[0]), defaults);
        String unit = SystemdUnit.of(defaults, parsed, jvm, "app", Map.of());
        // Without --daemon a service writes no pidfile unless the flag says so; the SIGHUP
        // policy set in code applies as it is.
        assertThat(execStart(unit)).containsExactly("/usr/bin/java", "-cp", "/opt/app/lib/*",
                "app.Main", "--pidfile=/run/app/app.pid");
    }

    @Test
    void specifiersAreEscapedInEverySetting() throws IOException {
        String unit = unit("/usr/bin/java", Map.of(), "--daemon=unit", "--workdir=/srv/100%",
                "--log=/var/log/%n.log", "--user=%u");
        assertThat(setting(unit, "WorkingDirectory")).isEqualTo("/srv/100%%");
        assertThat(setting(unit, "StandardOutput")).isEqualTo("append:/var/log/%%n.log");
        assertThat(setting(unit, "User")).isEqualTo("%%u");
    }

    @Test
    void aValueWithANewlineIsOneUsageLine() {
        DaemonException e = catchThrowableOfType(DaemonException.class,
                () -> unit("/usr/bin/java", Map.of(), "--daemon=unit",
                        "--user=svc\nExecStartPre=/x"));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.USAGE);
        assertThat(e.getMessage()).isEqualTo("--user has a control character (0x0a), which a "
                + "systemd unit's setting cannot hold; give a plain value");
    }

    /**
     * systemd itself reads the unit: {@code systemd-analyze verify} checks that ExecStart's
     * executable exists (so its quoting must be right for a path with a blank, {@code $} and
     * {@code %}) and that every specifier is known; a naively written unit for the
     * same path fails, so the check can fail.
     */
    @Test
    void systemdAnalyzeAcceptsTheUnitForAnAwkwardPath() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze),
                "systemd-analyze is not installed (Debian: systemd)");
        Path odd = Files.createDirectories(dir.resolve("a b$c%d"));
        Path exe = odd.resolve("java");
        Files.writeString(exe, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path workDir = Files.createDirectories(dir.resolve("work dir%"));

        String unit = unit(exe.toString(), Map.of("JAVA_TOOL_OPTIONS", "-Dq=\"%h\""),
                "--daemon=unit", "--workdir=" + workDir, "--log=" + dir.resolve("log %i.txt"),
                "--sighup=reload", "arg with %i and $X", "'quoted'", "back\\slash", ";", "");
        assertThat(verify(analyze, unit, "good.service")).as(unit).isEmpty();

        String naive = unit.replace(SystemdUnit.executable(exe.toString()), exe.toString());
        assertThat(naive).isNotEqualTo(unit);
        assertThat(verify(analyze, naive, "naive.service")).as(naive).isNotEmpty();
    }

    @Test
    void aJvmPathSystemdRefusesIsOneUsageLine() {
        DaemonException e = catchThrowableOfType(DaemonException.class,
                () -> unit("/opt/it's/java", Map.of(), "--daemon=unit"));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.USAGE);
        assertThat(e.getMessage()).startsWith("the JVM's path /opt/it's/java has a quote");
        assertThat(SystemdUnit.executable("/opt/my jdk/bin/java"))
                .isEqualTo("\"/opt/my jdk/bin/java\"");
        assertThat(SystemdUnit.executable("/opt/$5%/java")).isEqualTo("/opt/$5%%/java");
    }

    /** systemd-analyze verify's complaints about this unit (empty when it accepts it). */
    private String verify(Path analyze, String unit, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, unit, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(analyze.toString(), "verify", "--man=no", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out.trim() : "exit " + p.exitValue() + ": " + out;
    }
}
