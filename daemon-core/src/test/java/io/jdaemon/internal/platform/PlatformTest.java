package io.jdaemon.internal.platform;

import static org.assertj.core.api.Assertions.assertThat;

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
    void currentHelperIsPackaged() {
        String resource = Platform.helperResource(Platform.current());
        assertThat(Platform.class.getClassLoader().getResource(resource))
                .as("helper resource %s for this platform", resource).isNotNull();
    }
}
