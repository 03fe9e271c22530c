package io.jdaemon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --startup-cache} seen from outside: the first daemon trains a class-data archive that is
 * written when it stops, the next one maps it (its own {@code -Xlog:class+load} says the example's
 * classes come from the shared objects file), a changed jar trains a new one, and an archive or
 * directory another user could write is refused with one line in the log and never used. The
 * operator's terminal shows only the launcher's own line. Runs on the JDK that runs the tests
 * (17: dynamic AppCDS; 25: the AOT cache).
 */
class StartupCacheIT extends WithExample {

    /** An example class (the service's own, from the jar) that a trained archive holds. */
    private static final Pattern SHARED_APP_CLASS =
            Pattern.compile("io\\.jdaemon\\.examples\\.\\S+ source: shared objects file");

    private Path jar;
    private Path cache;

    @BeforeEach
    void ownJarAndCache() throws IOException {
        jar = Files.createDirectories(dir.resolve("jar")).resolve("daemon-examples.jar");
        Files.copy(Example.JAR, jar, StandardCopyOption.REPLACE_EXISTING);
        cache = dir.resolve("cache");
    }

    /**
     * The example's daemon command on the copied jar, with the cache and a class-load log per
     * process ({@code %p}: JDK 25's JVM that assembles the AOT cache at exit gets the daemon's
     * options too, and logs its own class loading).
     */
    private List<String> start() {
        List<String> cmd = new ArrayList<>(example.daemonCommand("--startup-cache",
                "--jvm-option=-Xlog:class+load:file=" + dir.resolve("classes-%p.txt")));
        cmd.set(cmd.indexOf(Example.JAR.toString()), jar.toString());
        cmd.add(1, "-Djdaemon.cache=" + cache);
        return cmd;
    }

    private List<String> stop() {
        List<String> cmd = new ArrayList<>(example.controlCommand("stop"));
        cmd.set(cmd.indexOf(Example.JAR.toString()), jar.toString());
        return cmd;
    }

    /** Starts the daemon; only the launcher's own line reaches the terminal. */
    private long started() {
        Example.Result r = example.run(start());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).matches("daemon-examples started, pid \\d+\\s*");
        return r.startedPid();
    }

    /** Stops the daemon; its JVM has written any archive it trained once the stop returns. */
    private void stopped(long pid) {
        Example.Result r = example.run(stop());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Example.awaitGone(pid);
    }

    private List<Path> archives() {
        Path startup = cache.resolve("startup");
        if (!Files.isDirectory(startup)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(startup)) {
            return files.filter(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class-load log of the daemon {@code pid}. */
    private String classes(long pid) {
        return read(dir.resolve("classes-" + pid + ".txt"));
    }

    private String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    /** A first daemon's start and stop: one archive, written at its exit; it mapped none. */
    private Path trained() throws IOException {
        long pid = started();
        stopped(pid);
        assertThat(SHARED_APP_CLASS.matcher(classes(pid)).find()).as("the training run maps no archive").isFalse();
        assertThat(count(example.logText(), "startup cache: training")).isEqualTo(1);
        List<Path> archives = archives();
        assertThat(archives).hasSize(1);
        Path archive = archives.get(0);
        assertThat(Files.size(archive)).isPositive();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve("startup"))))
                .isEqualTo("rwx------");
        return archive;
    }

    @Test
    void theFirstDaemonTrainsTheNextMapsAndAChangedJarTrainsAgain() throws IOException {
        Path archive = trained();

        long pid = started();
        assertThat(SHARED_APP_CLASS.matcher(classes(pid)).find())
                .as("class loading of the second daemon, pid %d", pid).isTrue();
        assertThat(count(example.logText(), "startup cache")).as(example.logText()).isEqualTo(1);
        assertThat(example.logText()).doesNotContain("[warning]").doesNotContain("[error");
        stopped(pid);
        assertThat(archives()).containsExactly(archive);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        pid = started();
        assertThat(count(example.logText(), "startup cache: training")).isEqualTo(2);
        assertThat(archive).as("the old jar's archive is removed").doesNotExist();
        assertThat(SHARED_APP_CLASS.matcher(classes(pid)).find()).isFalse();
        stopped(pid);
        assertThat(archives()).hasSize(1).doesNotContain(archive);
    }

    @Test
    void anArchiveOthersCanWriteIsRefusedWithOneLineAndNotUsed() throws IOException {
        Path archive = trained();
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));

        long pid = started();

        assertThat(example.logText()).contains("startup cache not used: " + archive
                + " is writable by group or others");
        assertThat(SHARED_APP_CLASS.matcher(classes(pid)).find()).isFalse();
        stopped(pid);
        assertThat(Files.getPosixFilePermissions(archive)).contains(PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void anArchiveOfAnotherUserIsRefusedWithOneLineAndNotUsed() throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Path archive = trained();
        assertThat(new ProcessBuilder("chown", "nobody", archive.toString()).start().waitFor()).isZero();

        long pid = started();

        assertThat(example.logText()).contains("startup cache not used: " + archive + " belongs to uid "
                + Files.getAttribute(archive, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertThat(SHARED_APP_CLASS.matcher(classes(pid)).find()).isFalse();
        stopped(pid);
    }

    @Test
    void aCacheDirectoryOthersCanWriteIsRefusedWithOneLine() throws IOException {
        Files.createDirectories(cache.resolve("startup"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(cache.resolve("startup"), PosixFilePermissions.fromString("rwxrwxrwx"));

        long pid = started();

        assertThat(count(example.logText(), "startup cache not used: no private cache directory")).isEqualTo(1);
        stopped(pid);
        assertThat(archives()).isEmpty();
    }
}
