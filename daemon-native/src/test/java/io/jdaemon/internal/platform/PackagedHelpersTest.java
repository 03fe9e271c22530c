package io.jdaemon.internal.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The helpers in daemon-native's jar, as the runtime finds them: each one is a static executable
 * (no {@code PT_INTERP}, so no dependency on any C library) for exactly its platform.
 */
class PackagedHelpersTest {

    @Test
    void thisPlatformsHelperIsPackagedAndStatic() throws IOException {
        ElfHeader elf = ElfHeader.read(helper(Platform.current()));
        assertThat(elf.interpreter()).as("PT_INTERP in the %s helper", Platform.current()).isFalse();
        assertThat(elf.isStaticExecutable()).as(elf.describe()).isTrue();
        assertThat(elf.isFor(Platform.target(Platform.current()))).as(elf.describe()).isTrue();
    }

    @Test
    void everyPackagedHelperIsAStaticExecutableForItsPlatform() throws IOException {
        List<String> packaged = Platform.packaged();
        assertThat(packaged).isNotEmpty();
        for (String name : packaged) {
            ElfHeader elf = ElfHeader.read(helper(name));
            assertThat(elf.interpreter()).as("PT_INTERP in the %s helper", name).isFalse();
            assertThat(elf.isStaticExecutable()).as("%s: %s", name, elf.describe()).isTrue();
            assertThat(elf.isFor(Platform.target(name))).as("%s: %s", name, elf.describe()).isTrue();
            for (Platform.Target other : Platform.TARGETS) {
                if (!other.name().equals(name)) {
                    assertThat(elf.isFor(other)).as("%s helper also fits %s", name, other.name())
                            .isFalse();
                }
            }
        }
    }

    private static byte[] helper(String platform) throws IOException {
        String resource = Platform.helperResource(platform);
        try (InputStream in = Platform.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("class-path resource %s", resource).isNotNull();
            return in.readAllBytes();
        }
    }
}
