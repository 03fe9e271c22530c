package io.jdaemon.internal.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ElfHeaderTest {

    @Test
    void theRunningJvmIsDynamicallyLinked() throws IOException {
        // The JVM's launcher names its loader: the check sees a PT_INTERP when there is one.
        ElfHeader elf = ElfHeader.read(Files.readAllBytes(Path.of("/proc/self/exe")));
        assertThat(elf.interpreter()).isTrue();
        assertThat(elf.isStaticExecutable()).isFalse();
        assertThat(elf.describe()).contains("with PT_INTERP");
        assertThat(elf.isFor(Platform.target(Platform.current()))).isTrue();
    }

    @Test
    void aStatic32BitBigEndianHeader() {
        byte[] file = header(false, true, 2, 22, 0, 1 /* PT_LOAD */);
        ElfHeader elf = ElfHeader.read(file);
        assertThat(elf).isEqualTo(new ElfHeader(false, true, 2, 22, 0, false, false));
        assertThat(elf.isStaticExecutable()).isTrue();
        assertThat(elf.describe()).isEqualTo("ELF32 MSB type 2 machine 22 flags 0x0, static");
    }

    @Test
    void aDynamic64BitLittleEndianHeader() {
        byte[] file = header(true, false, 3, 183, 0, 1, 3, 2); // ET_DYN, PT_LOAD PT_INTERP PT_DYNAMIC
        ElfHeader elf = ElfHeader.read(file);
        assertThat(elf).isEqualTo(new ElfHeader(true, false, 3, 183, 0, true, true));
        assertThat(elf.isFor(Platform.target("linux-aarch64"))).isTrue();
        assertThat(elf.isFor(Platform.target("linux-x86_64"))).isFalse();
        assertThat(elf.isStaticExecutable()).isFalse();
    }

    @Test
    void theAbiFlagsTellSoftFromHardFloatArm() {
        Platform.Target arm = Platform.target("linux-arm");
        assertThat(ElfHeader.read(header(false, false, 2, 40, 0x05000400, 1)).isFor(arm)).isTrue();
        assertThat(ElfHeader.read(header(false, false, 2, 40, 0x05000200, 1)).isFor(arm)).isFalse();
        assertThat(ElfHeader.describe(arm))
                .isEqualTo("ELF32 LSB type 2 machine 40 flags 0x5000400 (mask 0xff000400), static");
    }

    @Test
    void notAnElfFile() {
        assertThatThrownBy(() -> ElfHeader.read("#!/bin/sh\n".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an ELF file");
        assertThatThrownBy(() -> ElfHeader.read(Arrays.copyOf(header(true, false, 2, 62, 0), 60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ELF header cut short");
        byte[] truncated = header(true, false, 2, 62, 0, 1, 1);
        assertThatThrownBy(() -> ElfHeader.read(Arrays.copyOf(truncated, 70)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("program headers outside the file");
    }

    /** An ELF header followed by program headers of the given types. */
    private static byte[] header(boolean elf64, boolean bigEndian, int type, int machine, int flags,
            int... segmentTypes) {
        int ehsize = elf64 ? 64 : 52;
        int phentsize = elf64 ? 56 : 32;
        ByteBuffer b = ByteBuffer.allocate(ehsize + phentsize * segmentTypes.length)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (elf64 ? 2 : 1), (byte) (bigEndian ? 2 : 1), 1});
        b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1);
        if (elf64) {
            b.putLong(32, ehsize).putInt(48, flags).putShort(52, (short) ehsize)
                    .putShort(54, (short) phentsize).putShort(56, (short) segmentTypes.length);
        } else {
            b.putInt(28, ehsize).putInt(36, flags).putShort(40, (short) ehsize)
                    .putShort(42, (short) phentsize).putShort(44, (short) segmentTypes.length);
        }
        for (int i = 0; i < segmentTypes.length; i++) {
            b.putInt(ehsize + i * phentsize, segmentTypes[i]);
        }
        return b.array();
    }
}
