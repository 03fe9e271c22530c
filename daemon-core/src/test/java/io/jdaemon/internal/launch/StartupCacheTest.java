package io.jdaemon.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.helper.HelperBinary;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.os.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The startup cache's plan: which options, which file, and when it refuses one. */
@EnabledOnOs(OS.LINUX)
class StartupCacheTest {

    @TempDir
    Path dir;
    private String savedCache;
    private Path cache;
    private Path jar;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @BeforeEach
    void privateCache() throws IOException {
        savedCache = System.getProperty(HelperBinary.CACHE_PROPERTY);
        cache = dir.resolve("cache");
        System.setProperty(HelperBinary.CACHE_PROPERTY, cache.toString());
        jar = dir.resolve("app.jar");
        writeJar(jar, "lib/a.jar lib/b.jar");
    }

    @AfterEach
    void restore() {
        if (savedCache == null) {
            System.clearProperty(HelperBinary.CACHE_PROPERTY);
        } else {
            System.setProperty(HelperBinary.CACHE_PROPERTY, savedCache);
        }
    }

    private static void writeJar(Path jar, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
    }

    private JvmCommandLine line(String... options) throws IOException {
        List<String> raw = new java.util.ArrayList<>(List.of(java));
        raw.addAll(List.of(options));
        raw.addAll(List.of("-jar", jar.toString(), "--port=1"));
        return JvmCommandLine.parse(java, raw, dir);
    }

    private StartupCache.Kind kind() {
        return StartupCache.Kind.of(Runtime.version().feature());
    }

    private Path archiveOf(StartupCache.Plan plan) {
        for (String option : plan.options()) {
            int eq = option.indexOf('=');
            if (option.startsWith("-XX:") && eq > 0 && option.contains("/")) {
                return Path.of(option.substring(eq + 1));
            }
        }
        return null;
    }

    private static String note(StartupCache.Plan plan) {
        for (String option : plan.options()) {
            if (option.startsWith("-D" + StartupCache.NOTE_PROPERTY + "=")) {
                return option.substring(option.indexOf('=') + 1);
            }
        }
        return null;
    }

    @Test
    void theFirstStartTrainsInAPrivateDirectoryAndTheNextUsesTheArchive() throws IOException {
        StartupCache.Plan first = StartupCache.plan(line("-Xmx64m"), dir.resolve("a.pid"), null);
        Path archive = archiveOf(first);
        assertThat(archive).isNotNull();
        assertThat(archive.getParent()).isEqualTo(cache.resolve("startup"));
        assertThat(FileModes.are(archive.getParent(), 0700)).isTrue();
        assertThat(note(first)).startsWith("startup cache: training");
        if (kind() == StartupCache.Kind.AOT) {
            assertThat(first.options()).contains("-XX:AOTCacheOutput=" + archive);
        } else if (kind() == StartupCache.Kind.DYNAMIC) {
            assertThat(first.options()).contains("-XX:ArchiveClassesAtExit=" + archive);
        }

        writeArchive(archive);
        StartupCache.Plan next = StartupCache.plan(line("-Xmx64m"), dir.resolve("a.pid"), null);

        assertThat(archiveOf(next)).isEqualTo(archive);
        assertThat(note(next)).isNull();
        if (kind() == StartupCache.Kind.AOT) {
            assertThat(next.options()).contains("-XX:AOTCache=" + archive);
        } else {
            assertThat(next.options()).contains("-XX:SharedArchiveFile=" + archive);
        }
    }

    /** A file as the JVM writes it: the archive's magic number first. */
    private void writeArchive(Path archive) throws IOException {
        byte[] bytes = new byte[8192];
        int magic = kind() == StartupCache.Kind.AOT ? 0xf00baba2 : 0xf00baba8;
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) (magic >>> (8 * i));
        }
        Files.write(archive, bytes);
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--r--r--"));
    }

    @Test
    void aChangedJarOrClassPathJarOrOptionTrainsANewArchiveAndRemovesTheOld() throws IOException {
        Path pid = dir.resolve("a.pid");
        Path old = archiveOf(StartupCache.plan(line(), pid, null));
        writeArchive(old);

        Files.createDirectories(dir.resolve("lib"));
        Files.write(dir.resolve("lib/a.jar"), new byte[] {1});
        Path withLib = archiveOf(StartupCache.plan(line(), pid, null));
        assertThat(withLib).isNotEqualTo(old);
        assertThat(old).doesNotExist();
        writeArchive(withLib);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5000));
        Path touched = archiveOf(StartupCache.plan(line(), pid, null));
        assertThat(touched).isNotEqualTo(withLib);
        assertThat(withLib).doesNotExist();

        Path otherOption = archiveOf(StartupCache.plan(line("-Xmx32m"), pid, null));
        assertThat(otherOption).isNotEqualTo(touched);
    }

    @Test
    void anotherPidfileHasItsOwnArchive() throws IOException {
        Path a = archiveOf(StartupCache.plan(line(), dir.resolve("a.pid"), null));
        writeArchive(a);
        Path b = archiveOf(StartupCache.plan(line(), dir.resolve("b.pid"), null));
        assertThat(b).isNotEqualTo(a);
        assertThat(a).exists();
    }

    @Test
    void anArchiveWritableByOthersOrWithTwoLinksIsRefusedNotUsed() throws IOException {
        Path pid = dir.resolve("a.pid");
        Path archive = archiveOf(StartupCache.plan(line(), pid, null));
        writeArchive(archive);
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));

        StartupCache.Plan plan = StartupCache.plan(line(), pid, null);

        assertThat(archiveOf(plan)).isNull();
        assertThat(note(plan)).startsWith("startup cache not used: " + archive).contains("writable by group or others");

        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--r--r--"));
        Files.createLink(dir.resolve("second-name"), archive);
        plan = StartupCache.plan(line(), pid, null);
        assertThat(archiveOf(plan)).isNull();
        assertThat(note(plan)).contains("2 hard links");
    }

    @Test
    void anArchiveWithoutItsHeaderIsTrainedAgain() throws IOException {
        if (kind() == StartupCache.Kind.AUTO) {
            return; // the JVM checks and rewrites its own there
        }
        Path pid = dir.resolve("a.pid");
        Path archive = archiveOf(StartupCache.plan(line(), pid, null));
        Files.write(archive, new byte[8192]); // a JVM killed while writing leaves zeros there

        StartupCache.Plan plan = StartupCache.plan(line(), pid, null);

        assertThat(note(plan)).startsWith("startup cache: training");
        assertThat(archiveOf(plan)).isEqualTo(archive);
    }

    @Test
    void aCacheDirectoryOthersCanWriteIsRefused() throws IOException {
        Files.createDirectories(cache.resolve("startup"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(cache.resolve("startup"), PosixFilePermissions.fromString("rwxrwxrwx"));

        StartupCache.Plan plan = StartupCache.plan(line(), dir.resolve("a.pid"), null);

        assertThat(archiveOf(plan)).isNull();
        assertThat(note(plan)).startsWith("startup cache not used: no private cache directory");
    }

    @Test
    void theServicesOwnArchiveOptionsWin() throws IOException {
        StartupCache.Plan plan = StartupCache.plan(line("-Xshare:off"), dir.resolve("a.pid"), null);
        assertThat(archiveOf(plan)).isNull();
        assertThat(note(plan)).contains("-Xshare:off");
        assertThat(StartupCache.ownArchiveOption(List.of("-XX:SharedArchiveFile=/x.jsa"))).isEqualTo("-XX:SharedArchiveFile=/x.jsa");
        assertThat(StartupCache.ownArchiveOption(List.of("-XX:AOTCache=/x.aot"))).isNotNull();
        assertThat(StartupCache.ownArchiveOption(List.of("-Xmx1g", "-Xshare:auto"))).isNull();
    }

    @Test
    void theApplicationsSystemPropertiesAreNotPartOfTheKey() {
        assertThat(StartupCacheKey.isApplicationProperty("-Dserver.port=8080")).isTrue();
        assertThat(StartupCacheKey.isApplicationProperty("-Dinstance")).isTrue();
        assertThat(StartupCacheKey.isApplicationProperty("-Djava.system.class.loader=a.B")).isFalse();
        assertThat(StartupCacheKey.isApplicationProperty("-Djdk.module.main=m")).isFalse();
        assertThat(StartupCacheKey.isApplicationProperty("-Dsun.misc.unsafe.memory.access=deny")).isFalse();
        assertThat(StartupCacheKey.isApplicationProperty("-Xmx1g")).isFalse();
        assertThat(StartupCacheKey.isApplicationProperty("-XX:+UseZGC")).isFalse();
    }

    @Test
    void theFeatureReleaseOfAJdkVersion() {
        assertThat(StartupCacheKey.feature("17.0.15")).isEqualTo(17);
        assertThat(StartupCacheKey.feature("25")).isEqualTo(25);
        assertThat(StartupCacheKey.feature("1.8.0_402")).isEqualTo(8);
        assertThat(StartupCacheKey.feature("")).isEqualTo(-1);
        assertThat(StartupCache.Kind.of(17)).isEqualTo(StartupCache.Kind.DYNAMIC);
        assertThat(StartupCache.Kind.of(21)).isEqualTo(StartupCache.Kind.AUTO);
        assertThat(StartupCache.Kind.of(25)).isEqualTo(StartupCache.Kind.AOT);
    }

    @Test
    void theClassPathIsTheJarAndItsManifestsClassPath() throws IOException {
        assertThat(StartupCacheKey.classPath(line())).containsExactly(jar, dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar"));
    }
}
