package io.jdaemon.internal.helper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.platform.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class HelperBinaryTest {

    private static final List<String> PROPERTIES =
            List.of(HelperBinary.HELPER_PROPERTY, HelperBinary.CACHE_PROPERTY, Platform.PROPERTY);

    @TempDir
    Path dir;

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void saveProperties() {
        for (String name : PROPERTIES) {
            saved.put(name, System.getProperty(name));
            System.clearProperty(name);
        }
    }

    @AfterEach
    void restoreProperties() {
        for (String name : PROPERTIES) {
            String value = saved.get(name);
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static Object inode(Path path) throws IOException {
        return Files.getAttribute(path, "unix:ino");
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void extractWritesAPrivateExecutableNamedByItsHash() throws IOException {
        byte[] content = "#!/bin/sh\necho helper\n".getBytes();
        Path file = HelperBinary.extract(content, dir);
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName().toString()).matches("jdaemon-helper-[0-9a-f]{8}-[0-9]+");
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(mode(file)).isEqualTo("r-x------");
        assertThat(list(dir)).containsExactly(file.getFileName().toString());
    }

    @Test
    void differentContentGetsAnotherName() {
        Path a = HelperBinary.extract(new byte[] {1, 2, 3}, dir);
        Path b = HelperBinary.extract(new byte[] {1, 2, 4}, dir);
        assertThat(a).isNotEqualTo(b);
        assertThat(HelperBinary.extract(new byte[] {1, 2, 3}, dir)).isEqualTo(a);
    }

    @Test
    void secondExtractReusesTheCopy() throws IOException {
        byte[] content = "helper bytes".getBytes();
        Path first = HelperBinary.extract(content, dir);
        Object inode = inode(first);
        Path second = HelperBinary.extract(content, dir);
        assertThat(second).isEqualTo(first);
        assertThat(inode(second)).isEqualTo(inode);
        assertThat(list(dir)).containsExactly(first.getFileName().toString());
    }

    @Test
    void tamperedCopyIsReplaced() throws IOException {
        byte[] content = "helper bytes".getBytes();
        Path file = HelperBinary.extract(content, dir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        byte[] bad = content.clone();
        bad[0] ^= 1;
        Files.write(file, bad);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));

        Path again = HelperBinary.extract(content, dir);
        assertThat(again).isEqualTo(file);
        assertThat(Files.readAllBytes(again)).isEqualTo(content);
        assertThat(mode(again)).isEqualTo("r-x------");
        assertThat(list(dir)).containsExactly(file.getFileName().toString());
    }

    @Test
    void copyWithWrongModeIsReplaced() throws IOException {
        byte[] content = "helper bytes".getBytes();
        Path file = HelperBinary.extract(content, dir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path again = HelperBinary.extract(content, dir);
        assertThat(mode(again)).isEqualTo("r-x------");
        assertThat(Files.readAllBytes(again)).isEqualTo(content);
    }

    @Test
    void symlinkInPlaceOfTheCopyIsReplaced() throws IOException {
        byte[] content = "helper bytes".getBytes();
        Path file = HelperBinary.extract(content, dir);
        Path elsewhere = dir.resolve("elsewhere");
        Files.write(elsewhere, content);
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("r-x------"));
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);

        Path again = HelperBinary.extract(content, dir);
        assertThat(Files.isSymbolicLink(again)).isFalse();
        assertThat(Files.readAllBytes(again)).isEqualTo(content);
        assertThat(mode(again)).isEqualTo("r-x------");
    }

    private static long crc(byte[] content) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        return crc.getValue();
    }

    @Test
    void anExtractedCopyIsIntactForItsCrcAndSize() {
        byte[] content = "helper bytes".getBytes();
        Path file = HelperBinary.extract(content, dir);
        assertThat(HelperBinary.isIntactCopy(file, crc(content), content.length)).isTrue();
        assertThat(HelperBinary.isIntactCopy(file, crc(content) ^ 1, content.length)).isFalse();
        assertThat(HelperBinary.isIntactCopy(file, crc(content), content.length + 1)).isFalse();
        assertThat(HelperBinary.isIntactCopy(dir.resolve("missing"), crc(content), content.length))
                .isFalse();
    }

    @Test
    void aCopyOfTheSameSizeAndModeWithOtherContentIsNotIntact() throws IOException {
        byte[] content = "helper bytes".getBytes();
        Path file = HelperBinary.extract(content, dir);
        byte[] bad = content.clone();
        bad[3] ^= 1;
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        Files.write(file, bad);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
        assertThat(HelperBinary.isIntactCopy(file, crc(content), content.length)).isFalse();
    }

    @Test
    void aCopyWithAnotherModeOrBehindALinkIsNotIntact() throws IOException {
        byte[] content = "helper bytes".getBytes();
        Path file = HelperBinary.extract(content, dir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        assertThat(HelperBinary.isIntactCopy(file, crc(content), content.length)).isFalse();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertThat(HelperBinary.isIntactCopy(link, crc(content), content.length)).isFalse();
        assertThat(HelperBinary.isIntactCopy(file, crc(content), content.length)).isTrue();
    }

    @Test
    void overrideThatIsNotExecutableIsRefused() throws IOException {
        Path notExe = dir.resolve("helper");
        Files.writeString(notExe, "x");
        Files.setPosixFilePermissions(notExe, PosixFilePermissions.fromString("rw-r--r--"));
        System.setProperty(HelperBinary.HELPER_PROPERTY, notExe.toString());
        DaemonException e = catchThrowableOfType(DaemonException.class, HelperBinary::locate);
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
        assertThat(e.getMessage()).contains("jdaemon.helper").contains(notExe.toString());
    }

    @Test
    void overrideThatIsMissingOrADirectoryIsRefused() {
        for (Path bad : List.of(dir.resolve("missing"), dir)) {
            System.setProperty(HelperBinary.HELPER_PROPERTY, bad.toString());
            DaemonException e = catchThrowableOfType(DaemonException.class, HelperBinary::locate);
            assertThat(e).as("override %s", bad).isNotNull();
            assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
            assertThat(e.getMessage()).contains("jdaemon.helper");
        }
    }

    @Test
    void executableOverrideIsUsedAsIs() throws IOException {
        Path exe = dir.resolve("my-helper");
        Files.writeString(exe, "#!/bin/sh\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty(HelperBinary.HELPER_PROPERTY, exe.toString());
        assertThat(HelperBinary.locate()).isEqualTo(exe);
    }

    @Test
    void overrideOthersCouldReplaceIsRefused() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path inOpen = Files.writeString(open.resolve("helper"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(inOpen, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path writable = Files.writeString(dir.resolve("writable-helper"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (Path bad : List.of(inOpen, writable)) {
            System.setProperty(HelperBinary.HELPER_PROPERTY, bad.toString());
            DaemonException e = catchThrowableOfType(DaemonException.class, HelperBinary::locate);
            assertThat(e).as("override %s", bad).isNotNull();
            assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
            assertThat(e.getMessage()).contains("could be replaced by another user");
        }
    }

    @Test
    void cacheUnderADirectoryOthersCanWriteIsRefusedWithThePathAndTheProperty() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path cache = open.resolve("cache");
        System.setProperty(HelperBinary.CACHE_PROPERTY, cache.toString());
        DaemonException e = catchThrowableOfType(DaemonException.class, HelperCache::directory);
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
        assertThat(e.getMessage()).contains(cache + " is unsafe: " + open + " is writable by every user")
                .contains("-Djdaemon.cache=DIR");
        assertThat(cache).doesNotExist();
    }

    @Test
    void locateExtractsThePackagedHelperIntoAPrivateCache() throws IOException {
        String resource = Platform.helperResource(Platform.current());
        byte[] packaged;
        try (InputStream in = HelperBinary.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("resource %s on the test class path", resource).isNotNull();
            packaged = in.readAllBytes();
        }
        Path cache = dir.resolve("cache/jdaemon");
        System.setProperty(HelperBinary.CACHE_PROPERTY, cache.toString());

        Path helper = HelperBinary.locate();
        assertThat(helper.getParent()).isEqualTo(cache);
        assertThat(mode(cache)).isEqualTo("rwx------");
        assertThat(Files.isExecutable(helper)).isTrue();
        assertThat(mode(helper)).isEqualTo("r-x------");
        assertThat(Files.readAllBytes(helper)).isEqualTo(packaged);

        Object inode = inode(helper);
        assertThat(HelperBinary.locate()).isEqualTo(helper);
        assertThat(inode(helper)).isEqualTo(inode);
    }

    /** An existing directory is never chmodded: one that is not private is refused (issue 20, item 8). */
    @Test
    void existingCacheDirectoryThatIsNotPrivateIsRefusedNotChmodded() throws IOException {
        Path cache = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        System.setProperty(HelperBinary.CACHE_PROPERTY, cache.toString());
        DaemonException e = catchThrowableOfType(DaemonException.class, HelperBinary::locate);
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
        assertThat(e.getMessage()).contains(cache + " is not private (mode 777); make it so (chmod 700 "
                + cache + ")");
        assertThat(mode(cache)).isEqualTo("rwxrwxrwx");
        assertThat(Files.list(cache)).isEmpty();
    }

    @Test
    void aCacheDirectoryMadeHereIsPrivate() throws IOException {
        Path cache = dir.resolve("new");
        System.setProperty(HelperBinary.CACHE_PROPERTY, cache.toString());
        Path helper = HelperBinary.locate();
        assertThat(helper.getParent()).isEqualTo(cache);
        assertThat(mode(cache)).isEqualTo("rwx------");
    }

    @Test
    void cacheThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        System.setProperty(HelperBinary.CACHE_PROPERTY, file.toString());
        DaemonException e = catchThrowableOfType(DaemonException.class, HelperBinary::locate);
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
        assertThat(e.getMessage()).contains(file.toString()).contains("jdaemon.cache");
    }

    @Test
    void unknownPlatformNamesWhatWasTried() {
        System.setProperty(Platform.PROPERTY, "nosuch-arch");
        DaemonException e = catchThrowableOfType(DaemonException.class, HelperBinary::locate);
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_INSTALLED);
        assertThat(e.getMessage())
                .contains("os.name=" + System.getProperty("os.name"))
                .contains("os.arch=" + System.getProperty("os.arch"))
                .contains("platform nosuch-arch (from -Djdaemon.platform); packaged: "
                        + String.join(", ", Platform.packaged()))
                .contains("jdaemon.helper");
    }
}
