package io.jdaemon.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserAccountTest {

    @TempDir
    Path dir;
    Path passwd;
    Path group;

    @BeforeEach
    void files() throws IOException {
        passwd = Files.writeString(dir.resolve("passwd"), String.join("\n",
                "root:x:0:0:root:/root:/bin/bash",
                "# a comment",
                "+nis-compat",
                "svc:x:1500:1500:Service:/var/lib/svc:/usr/sbin/nologin",
                "nohome:x:1600:1601::::",
                "rootgroup:x:1700:0::/:/bin/sh", ""));
        group = Files.writeString(dir.resolve("group"), String.join("\n",
                "root:x:0:",
                "svc:x:1500:",
                "web:x:2000:alice,svc",
                "logs:x:2001:svc",
                "other:x:2002:svcx,alice",
                "g1601:x:1601:", ""));
    }

    private UserAccount resolve(String spec) {
        return UserAccount.resolve(spec, passwd, group);
    }

    private DaemonException refused(String spec) {
        DaemonException e = catchThrowableOfType(DaemonException.class, () -> resolve(spec));
        assertThat(e).as("--user=%s must be refused", spec).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.USAGE);
        return e;
    }

    @Test
    void aNameGivesItsIdsHomeAndTheGroupsListingIt() {
        UserAccount a = resolve("svc");
        assertThat(a.uid()).isEqualTo(1500);
        assertThat(a.gid()).isEqualTo(1500);
        assertThat(a.name()).isEqualTo("svc");
        assertThat(a.home()).isEqualTo("/var/lib/svc");
        // "svcx" in group other is another name, not svc
        assertThat(a.groups()).containsExactly(1500L, 2000L, 2001L);
    }

    @Test
    void anExplicitGroupReplacesThePrimaryOne() {
        UserAccount a = resolve("svc:web");
        assertThat(a.gid()).isEqualTo(2000);
        assertThat(a.groups()).containsExactly(2000L, 2001L);
        assertThat(resolve("svc:3000").groups()).containsExactly(2000L, 2001L, 3000L);
    }

    @Test
    void aNumericIdWithAnEntryIsThatEntry() {
        UserAccount a = resolve("1500");
        assertThat(a.name()).isEqualTo("svc");
        assertThat(a.groups()).containsExactly(1500L, 2000L, 2001L);
    }

    @Test
    void numericIdsWorkWithoutAnyEntry() {
        UserAccount a = resolve("4000:4001");
        assertThat(a.uid()).isEqualTo(4000);
        assertThat(a.gid()).isEqualTo(4001);
        assertThat(a.groups()).containsExactly(4001L);
        assertThat(a.name()).isEqualTo("4000");
        assertThat(a.home()).isEqualTo("/");
    }

    @Test
    void anEmptyHomeIsTheRoot() {
        assertThat(resolve("nohome").home()).isEqualTo("/");
    }

    @Test
    void unknownNamesAreRefusedByName() {
        assertThat(refused("nosuch").getMessage()).startsWith("unknown user nosuch (not in " + passwd)
                .contains("numeric ids");
        assertThat(refused("svc:nosuchgroup").getMessage())
                .startsWith("unknown group nosuchgroup (not in " + group);
        assertThat(refused("+nis-compat").getMessage()).startsWith("unknown user +nis-compat");
    }

    @Test
    void aNumericUserWithoutAnEntryNeedsAGroup() {
        assertThat(refused("4000").getMessage()).contains("--user=4000:GID");
    }

    @Test
    void rootAndGroupZeroAreRefused() {
        assertThat(refused("root").getMessage()).contains("is root");
        assertThat(refused("0:5").getMessage()).contains("is root");
        assertThat(refused("svc:0").getMessage()).contains("group 0");
        assertThat(refused("rootgroup").getMessage()).contains("group 0");
    }

    @Test
    void malformedSpecsAreRefused() {
        for (String spec : List.of(":", "svc:", ":web", "4294967295:1")) {
            assertThat(refused(spec).getMessage()).as(spec).isNotBlank();
        }
    }

    // ---- cannotWrite: from owner, group and mode, as the kernel decides ----------------------

    private static void own(Path p, int uid, int gid, String mode) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Test
    void writabilityFollowsTheOwnerGroupAndOtherBits() throws IOException {
        Assumptions.assumeTrue(UserAccount.launcherIsRoot(), "changing owners needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserAccount svc = resolve("svc");
        Path mine = Files.createDirectory(dir.resolve("mine"));
        own(mine, 1500, 1500, "rwxr-x---");
        Path groupWritable = Files.createDirectory(dir.resolve("shared"));
        own(groupWritable, 0, 2001, "rwxrwx---");
        Path rootOnly = Files.createDirectory(dir.resolve("root"));
        own(rootOnly, 0, 0, "rwxr-xr-x");
        Path ownerDenied = Files.createDirectory(dir.resolve("denied"));
        own(ownerDenied, 1500, 0, "r-xrwxrwx"); // the owner class applies, not "others"
        Path file = Files.writeString(mine.resolve("log"), "");
        own(file, 0, 2000, "rw-rw-r--");

        assertThat(svc.cannotWrite(mine)).isNull();
        assertThat(svc.cannotWrite(groupWritable)).isNull();
        assertThat(svc.cannotWrite(file)).isNull();
        assertThat(svc.cannotWrite(rootOnly)).isEqualTo("user svc cannot write in it (owner 0:0, mode 0755)");
        assertThat(svc.cannotWrite(ownerDenied)).startsWith("user svc cannot write in it");
        assertThat(resolve("nohome").cannotWrite(file))
                .isEqualTo("user nohome cannot enter " + mine + " (owner 1500:1500, mode 0750)");
        own(mine, 1500, 1500, "rwxr-xr-x");
        assertThat(resolve("nohome").cannotWrite(file))
                .isEqualTo("user nohome cannot write it (owner 0:2000, mode 0664)");
    }

    @Test
    void everyDirectoryOnTheWayMustBeSearchable() throws IOException {
        Assumptions.assumeTrue(UserAccount.launcherIsRoot(), "changing owners needs root");
        Path closed = Files.createDirectory(dir.resolve("closed"));
        own(closed, 0, 0, "rwx------");
        Path inner = Files.createDirectory(closed.resolve("inner"));
        own(inner, 1500, 1500, "rwxrwxrwx");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(resolve("svc").cannotWrite(inner))
                .isEqualTo("user svc cannot enter " + closed + " (owner 0:0, mode 0700)");
        assertThat(resolve("svc").cannotWrite(dir.resolve("missing")))
                .isEqualTo(dir.resolve("missing") + " does not exist");
    }

    // ---- capability names ----------------------------------------------------------------

    @Test
    void capabilityNamesAreNormalizedAndNumbered() {
        assertThat(Capabilities.parseList("--keep-caps", "net_bind_service,CAP_NET_RAW,Net_Bind_Service"))
                .containsExactly("net_bind_service", "net_raw");
        assertThat(Capabilities.number("net_bind_service")).isEqualTo(10);
        assertThat(Capabilities.number("net_raw")).isEqualTo(13);
        assertThat(Capabilities.number("chown")).isZero();
        assertThat(Capabilities.number("checkpoint_restore")).isEqualTo(40);
    }

    @Test
    void unknownEmptyAndIdentityChangingCapabilitiesAreRefused() {
        for (String list : List.of("net_bind", "net_bind_service,", "", "setuid", "cap_setgid",
                "setpcap", "setfcap")) {
            DaemonException e = catchThrowableOfType(DaemonException.class,
                    () -> Capabilities.parseList("--keep-caps", list));
            assertThat(e).as(list).isNotNull();
            assertThat(e.exitCode()).isEqualTo(ExitStatus.USAGE);
            assertThat(e.getMessage()).startsWith("--keep-caps");
        }
    }
}
