package io.jdaemon.internal.pidfile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.DaemonOptions;
import io.jdaemon.internal.jvm.JvmCommandLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The launch record's text, and where and how it is written and read. */
@EnabledOnOs(OS.LINUX)
class LaunchRecordTest {

    @TempDir
    Path dir;

    private LaunchRecord record(Path pidFile, long pid) {
        DaemonOptions options = DaemonOptions.builder().pidFile(pidFile).logFile(dir.resolve("x.log"))
                .workDir(dir).umask(027).sighup(DaemonOptions.Sighup.RELOAD)
                .startTimeout(Duration.ofMillis(2500)).stopTimeout(Duration.ofSeconds(7)).explicitReady(true).startupCache(true)
                .user("svc:grp").keepCaps(List.of("net_bind_service", "net_raw")).name("app")
                .jvmOptions(List.of("-Xmx64m", "-Dsecret=x y")).listen("[::1]:8080").build();
        return new LaunchRecord(pidFile, pid, 123456789012L, 1001, options, JvmCommandLine.recorded(
                List.of("/usr/bin/java", "-Dline=a\nb", "-Dslash=c:\\d", "-jar", "/opt/app.jar", "--port=80", ""),
                3, 5, dir), false);
    }

    @Test
    void theTextHoldsEverythingAndReadsBackTheSame() {
        Path pidFile = dir.resolve("x.pid");
        LaunchRecord original = record(pidFile, 42);

        LaunchRecord back = LaunchRecord.parse(original.text());

        assertThat(back).isNotNull();
        assertThat(back.text()).isEqualTo(original.text());
        assertThat(back.pid()).isEqualTo(42);
        assertThat(back.startTicks()).isEqualTo(123456789012L);
        assertThat(back.uid()).isEqualTo(1001);
        DaemonOptions o = back.options();
        assertThat(o.pidFile()).isEqualTo(pidFile);
        assertThat(o.logFile()).isEqualTo(dir.resolve("x.log"));
        assertThat(o.umask()).isEqualTo(027);
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.RELOAD);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(o.stopTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(o.explicitReady()).isTrue();
        assertThat(o.startupCache()).isTrue();
        assertThat(o.user()).isEqualTo("svc:grp");
        assertThat(o.keepCaps()).containsExactly("net_bind_service", "net_raw");
        assertThat(o.name()).isEqualTo("app");
        assertThat(o.jvmOptions()).containsExactly("-Xmx64m", "-Dsecret=x y");
        assertThat(o.listen()).isEqualTo("[::1]:8080");
        assertThat(back.commandLine().jvmOptions()).containsExactly("-Dline=a\nb", "-Dslash=c:\\d");
        assertThat(back.commandLine().cwd()).isEqualTo(dir);
        assertThat(back.commandLine().argv()).containsExactly("/usr/bin/java", "-Dline=a\nb", "-Dslash=c:\\d",
                "-jar", "/opt/app.jar", "--port=80", "");
        assertThat(back.commandLine().serviceArgs()).containsExactly("--port=80", "");
        assertThat(back.stopping()).isFalse();
        assertThat(LaunchRecord.parse(original.stopping(true).text()).stopping()).isTrue();
    }

    @Test
    void aSuccessorsRecordNamesItsPredecessorUntilItIsGone() {
        LaunchRecord plain = record(dir.resolve("x.pid"), 42);
        assertThat(plain.text()).doesNotContain("predecessor");
        assertThat(plain.names(42, 123456789012L)).isTrue();
        assertThat(plain.names(41, 7)).isFalse();

        LaunchRecord handing = LaunchRecord.parse(record(dir.resolve("x.pid"), 42).predecessor(41, 7).text());
        assertThat(handing.names(42, 123456789012L)).as("the new daemon").isTrue();
        assertThat(handing.names(41, 7)).as("the old one, while it stops").isTrue();
        assertThat(handing.names(41, 8)).as("another process with its PID").isFalse();
        assertThat(handing.stopping(true).names(41, 7)).isTrue();
        assertThat(LaunchRecord.parse(handing.predecessor(0, -1).text()).names(41, 7)).isFalse();
    }

    @Test
    void anythingElseIsNoRecord() {
        String good = record(dir.resolve("x.pid"), 42).text();
        assertThat(LaunchRecord.parse("")).isNull();
        assertThat(LaunchRecord.parse("hello\n")).isNull();
        assertThat(LaunchRecord.parse(good.replace("jdaemon-launch-record 1", "jdaemon-launch-record 0"))).isNull();
        assertThat(LaunchRecord.parse(good.replace("\npid=42\n", "\n"))).as("no pid").isNull();
        assertThat(LaunchRecord.parse(good.replace("\nuid=1001\n", "\n"))).as("no uid").isNull();
        assertThat(LaunchRecord.parse(good.replace("service-args-start=5", "service-args-start=9"))).isNull();
        assertThat(LaunchRecord.parse(good.replace("target-start=3", "target-start=6"))).isNull();
    }

    /**
     * Written to a private directory (0700, this user's), one file per pidfile (mode 0600), no
     * temporary file left; read back for that pidfile only; removed only while it names that PID.
     */
    @Test
    void writtenPrivatelyReadForItsPidFileRemovedForItsPid() throws IOException {
        Path pidFile = dir.resolve("w" + System.nanoTime() + ".pid");
        assertThat(LaunchRecord.write(record(pidFile, 42))).isNull();
        Path records = LaunchRecord.directory();
        Path file = records.resolve(LaunchRecord.fileName(pidFile));
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(records))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            try (Stream<Path> s = Files.list(records)) {
                assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            assertThat(LaunchRecord.read(pidFile).pid()).isEqualTo(42);
            assertThat(LaunchRecord.read(dir.resolve("other.pid"))).isNull();

            LaunchRecord.remove(pidFile, 43);
            assertThat(LaunchRecord.read(pidFile)).as("names another PID: kept").isNotNull();
            LaunchRecord.remove(pidFile, 42);
            assertThat(file).doesNotExist();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A record with a second hard link (someone else's file under this name) is not read. */
    @Test
    void aRecordWithTwoLinksIsNotRead() throws IOException {
        Path pidFile = dir.resolve("l" + System.nanoTime() + ".pid");
        assertThat(LaunchRecord.write(record(pidFile, 42))).isNull();
        Path file = LaunchRecord.directory().resolve(LaunchRecord.fileName(pidFile));
        Path second = LaunchRecord.directory().resolve("second-link-" + System.nanoTime());
        try {
            Files.createLink(second, file);
            assertThat(LaunchRecord.read(pidFile)).isNull();
        } finally {
            Files.deleteIfExists(second);
            Files.deleteIfExists(file);
        }
    }
}
