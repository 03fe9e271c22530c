package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The ownership rule, on real directories with real modes and owners. */
@EnabledOnOs(OS.LINUX)
class TrustedPathTest {

    @TempDir
    Path tmp;

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void aPrivateDirectoryIsTrusted() {
        assertThat(TrustedPath.untrusted(tmp)).isNull();
    }

    @Test
    void aDirectoryWritableByEveryoneWithoutStickyBitIsNot() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        sh("chmod", "0777", open.toString());
        Path below = Files.createDirectory(open.resolve("below"));

        assertThat(TrustedPath.untrusted(open)).contains(open.toString()).contains("writable by every user");
        assertThat(TrustedPath.untrusted(below)).contains(open.toString());
    }

    @Test
    void aStickyDirectoryWritableByEveryoneIsTrusted() throws Exception {
        Path sticky = Files.createDirectory(tmp.resolve("sticky"));
        sh("chmod", "1777", sticky.toString());

        assertThat(TrustedPath.untrusted(sticky)).isNull();
    }

    @Test
    void aDirectoryOfAnotherUserIsNot() throws Exception {
        assumeTrue(isRoot(), "needs root to chown");
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        sh("chown", "nobody", theirs.toString());

        assertThat(TrustedPath.untrusted(theirs.resolve("."))).contains("belongs to nobody");
    }

    @Test
    void aGroupWritableDirectoryOfAnotherGroupIsNot() throws Exception {
        assumeTrue(isRoot(), "needs root to chgrp");
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        sh("chgrp", "nogroup", shared.toString());
        sh("chmod", "0775", shared.toString());

        assertThat(TrustedPath.untrusted(shared)).contains("writable by group nogroup");
    }

    @Test
    void aSymbolicLinkOfAnotherUserIsNotFollowed() throws Exception {
        assumeTrue(isRoot(), "needs root to chown");
        Path sticky = Files.createDirectory(tmp.resolve("sticky"));
        sh("chmod", "1777", sticky.toString());
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(sticky.resolve("app"), target);
        sh("chown", "-h", "nobody", link.toString());

        assertThat(TrustedPath.untrusted(link)).contains(link.toString()).contains("symbolic link owned by nobody");
    }

    @Test
    void ownSymbolicLinksAreFollowedAndTheirTargetsChecked() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        sh("chmod", "0777", open.toString());
        Path good = Files.createDirectory(tmp.resolve("good"));
        Path toGood = Files.createSymbolicLink(tmp.resolve("to-good"), good);
        Path toOpen = Files.createSymbolicLink(tmp.resolve("to-open"), Path.of("open"));

        assertThat(TrustedPath.untrusted(toGood)).isNull();
        assertThat(TrustedPath.untrusted(toOpen)).contains(open.toString());
    }

    @Test
    void aMissingDirectoryOrAFileIsReported() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThat(TrustedPath.untrusted(tmp.resolve("missing"))).contains("does not exist");
        assertThat(TrustedPath.untrusted(file)).contains("is not a directory");
        assertThat(TrustedPath.untrusted(Path.of("/"))).isNull();
    }
}
