package io.jdaemon.internal.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(Platform.PROPERTY);
        System.clearProperty(Platform.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Platform.PROPERTY);
        } else {
            System.setProperty(Platform.PROPERTY, saved);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "Linux,    amd64,   linux-x86_64",
        "Linux,    x86_64,  linux-x86_64",
        "Linux,    x86-64,  linux-x86_64",
        "Linux,    aarch64, linux-aarch64",
        "Linux,    arm64,   linux-aarch64",
        "Mac OS X, x86_64,  macos-x86_64",
        "Mac OS X, aarch64, macos-aarch64",
        "Mac OS X, amd64,   macos-x86_64",
        "Darwin,   arm64,   macos-aarch64",
        "LINUX,    AMD64,   linux-x86_64",
        "FreeBSD,  amd64,   freebsd-x86_64",
        "Windows 10, amd64, windows10-x86_64",
        "Linux,    ppc64le, linux-ppc64le",
        "Linux,    s390x,   linux-s390x",
        "Linux,    riscv64, linux-riscv64",
        "Linux,    arm,     linux-arm",
        "Linux,    armv7l,  linux-arm",
        "Linux,    x86,     linux-x86",
        "Linux,    i386,    linux-x86",
        "Linux,    i486,    linux-x86",
        "Linux,    i586,    linux-x86",
        "Linux,    i686,    linux-x86",
        "Linux,    ppc64,   linux-ppc64",
        "Linux,    mips64el, linux-mips64el",
        "Linux,    sparc-v9, linux-sparcv9",
    })
    void name(String osName, String osArch, String expected) {
        assertThat(Platform.name(osName, osArch)).isEqualTo(expected);
    }

    @Test
    void helperResource() {
        assertThat(Platform.helperResource("linux-x86_64"))
                .isEqualTo("io/jdaemon/native/linux-x86_64/jdaemon-helper");
        assertThat(Platform.helperResource("macos-aarch64"))
                .isEqualTo("io/jdaemon/native/macos-aarch64/" + Platform.HELPER_NAME);
        assertThat(Platform.HELPER_NAME).isEqualTo("jdaemon-helper");
    }

    @Test
    void currentFollowsTheSystemProperties() {
        assertThat(Platform.current()).isEqualTo(
                Platform.name(System.getProperty("os.name"), System.getProperty("os.arch")));
    }

    @Test
    void overrideProperty() {
        System.setProperty(Platform.PROPERTY, "  custom-thing ");
        assertThat(Platform.current()).isEqualTo("custom-thing");
        System.setProperty(Platform.PROPERTY, "   ");
        assertThat(Platform.current()).isEqualTo(
                Platform.name(System.getProperty("os.name"), System.getProperty("os.arch")));
        assertThat(Platform.PROPERTY).isEqualTo("jdaemon.platform");
    }

    @Test
    void eachTargetIsNamedAsTheJdkSpellsItsArchitecture() {
        Map<String, String> osArch = Map.of("linux-x86_64", "amd64", "linux-aarch64", "aarch64",
                "linux-arm", "arm", "linux-ppc64le", "ppc64le", "linux-s390x", "s390x",
                "linux-riscv64", "riscv64", "linux-x86", "i386");
        assertThat(Platform.TARGETS).extracting(Platform.Target::name)
                .containsExactlyInAnyOrderElementsOf(osArch.keySet());
        for (Platform.Target t : Platform.TARGETS) {
            assertThat(Platform.name("Linux", osArch.get(t.name()))).isEqualTo(t.name());
            assertThat(Platform.target(t.name())).isSameAs(t);
        }
        assertThat(Platform.target("linux-mips64")).isNull();
    }

    @Test
    void theMissingHelperDetailsNameTheSystemPropertiesAndWhatIsPackaged() {
        System.setProperty(Platform.PROPERTY, "linux-mips64");
        assertThat(Platform.missingHelperDetails()).isEqualTo("os.name=" + System.getProperty("os.name")
                + ", os.arch=" + System.getProperty("os.arch") + ", platform linux-mips64 (from "
                + "-Djdaemon.platform); packaged: " + String.join(", ", Platform.packaged()));
        System.clearProperty(Platform.PROPERTY);
        assertThat(Platform.missingHelperDetails()).contains("platform " + Platform.current() + "; ")
                .doesNotContain("from -D");
    }

    @Test
    void packagedListsTheHelpersOnTheClassPathInTargetOrder() {
        List<String> expected = new ArrayList<>();
        for (Platform.Target t : Platform.TARGETS) {
            if (Platform.class.getClassLoader().getResource(Platform.helperResource(t.name())) != null) {
                expected.add(t.name());
            }
        }
        assertThat(Platform.packaged()).isEqualTo(expected).contains(Platform.current());
    }

    @Test
    void currentHelperIsPackaged() {
        String resource = Platform.helperResource(Platform.current());
        assertThat(Platform.class.getClassLoader().getResource(resource))
                .as("helper resource %s for this platform", resource).isNotNull();
    }
}
