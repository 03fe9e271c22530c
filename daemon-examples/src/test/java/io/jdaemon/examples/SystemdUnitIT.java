package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --daemon=unit} prints a unit that systemd accepts and that starts the service: the
 * test plays systemd, running the unit's ExecStart as written (read with the test's own reader of
 * systemd's quoting) in its WorkingDirectory, with stdout appended to its log, under its own
 * NOTIFY_SOCKET; READY=1 must come from the serving process, ExecReload must reload it and
 * SIGTERM stop it with the status the unit calls success.
 */
class SystemdUnitIT extends WithExample {

    private Process service;

    @AfterEach
    void stopService() {
        if (service != null) {
            service.destroyForcibly();
        }
    }

    /**
     * The unit for the example with this JVM option and these flags, printed by
     * {@code --daemon=unit}.
     */
    private String unit(String jvmOption, String... flags) {
        List<String> args = new ArrayList<>(List.of("--daemon=unit"));
        args.addAll(List.of(flags));
        List<String> command = example.command(args.toArray(new String[0]));
        command.add(1, jvmOption);
        Example.Result r = example.run(command);
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r.out();
    }

    private static String setting(String unit, String key) {
        for (String line : unit.replace("\\\n", " ").split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }

    @Test
    void systemdAnalyzeAcceptsThePrintedUnit() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (Debian: systemd)");
        String unit = unit("-Dodd=100% $HOME \"x\"", "--pidfile=" + example.pidFile,
                "--log=" + example.log, "--sighup=reload", "--workdir=" + dir,
                "--user=daemon:daemon", "--keep-caps=net_bind_service", "--port=0");
        Path file = dir.resolve("daemon-examples.service");
        Files.writeString(file, unit, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(analyze.toString(), "verify", "--man=no", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + "\n" + unit).isZero();
        assertThat(out).as("systemd-analyze's warnings for\n%s", unit).isEmpty();
    }

    @Test
    void aValueAUnitCannotHoldIsOneLineAndNoUnit() {
        Example.Result r = example.run(example.command("--daemon=unit",
                "--user=daemon\nExecStartPre=/bin/true", "--port=0"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("daemon-examples: --user has a control character (0x0a), "
                + "which a systemd unit's setting cannot hold; give a plain value\n");
    }

    @Test
    void theUnitsCommandLineStartsTheServiceUnderNotify() throws Exception {
        String odd = "-Dodd=100% of $HOME, 'quotes', \"quotes\" and a \\";
        Path pidFile = Files.createDirectories(dir.resolve("run 100% $x")).resolve("example.pid");
        String unit = unit(odd, "--pidfile=" + pidFile, "--log=" + example.log,
                "--sighup=reload", "--workdir=" + dir, "--port=0");
        List<String> argv = SystemdWords.execWords(setting(unit, "ExecStart"));
        assertThat(argv).contains(odd, "--pidfile=" + pidFile, "--sighup=reload", "--port=0");
        assertThat(argv).noneMatch(a -> a.startsWith("--daemon") || a.startsWith("--log")
                || a.startsWith("--workdir"));
        assertThat(setting(unit, "WorkingDirectory")).isEqualTo(dir.toString());
        assertThat(setting(unit, "StandardOutput")).isEqualTo("append:" + example.log);

        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(example.log.toFile()))
                    .redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", systemd.address);
            service = pb.start();
            long pid = service.pid();

            NotifyListener.Message ready = systemd.await("READY=1");
            assertThat(ready.senderPid()).isEqualTo(pid);
            assertThat(new Proc(pid).cmdline()).isEqualTo(argv);
            assertThat(Example.get(example.port(), "/health")).isEqualTo("ok");
            assertThat(Files.readString(pidFile)).isEqualTo(pid + "\n");

            List<String> reload = new ArrayList<>();
            for (String word : SystemdWords.execWords(setting(unit, "ExecReload")
                    .replace("$MAINPID", "$$MAINPID"))) {
                reload.add(word.replace("$MAINPID", Long.toString(pid)));
            }
            assertThat(new ProcessBuilder(reload).start().waitFor()).as("%s", reload).isZero();
            assertThat(systemd.await("RELOADING=1").senderPid()).isEqualTo(pid);
            assertThat(service.isAlive()).isTrue();

            Example.signal(pid, "TERM"); // systemctl stop
            assertThat(systemd.await("STOPPING=1").senderPid()).isEqualTo(pid);
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Integer.toString(service.exitValue()))
                    .isEqualTo(setting(unit, "SuccessExitStatus"));
        }
    }
}
