package io.jdaemon.internal.platform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The parts of an ELF executable's header that say which machine it is for and whether it needs a
 * dynamic loader: read from the bytes, with no external tool. Used by the build to check every
 * helper it packages, and by the tests to check the packaged ones.
 *
 * @param elf64 {@code ELFCLASS64} (else {@code ELFCLASS32})
 * @param bigEndian {@code ELFDATA2MSB} (else {@code ELFDATA2LSB})
 * @param type {@code e_type} ({@code ET_EXEC} is 2)
 * @param machine {@code e_machine}
 * @param flags {@code e_flags}
 * @param interpreter whether a program header is {@code PT_INTERP}: the file names a dynamic
 *     loader (such as {@code /lib64/ld-linux-x86-64.so.2}) and so depends on a C library
 * @param dynamic whether a program header is {@code PT_DYNAMIC}
 */
public record ElfHeader(boolean elf64, boolean bigEndian, int type, int machine, int flags,
        boolean interpreter, boolean dynamic) {

    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int ET_EXEC = 2;

    /**
     * Reads the header of an ELF file.
     *
     * @param file the whole file's bytes
     * @return its header
     * @throws IllegalArgumentException if {@code file} is not a well-formed ELF file
     */
    public static ElfHeader read(byte[] file) {
        if (file.length < 16 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L'
                || file[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file");
        }
        if ((file[4] != 1 && file[4] != 2) || (file[5] != 1 && file[5] != 2)) {
            throw new IllegalArgumentException("unknown ELF class " + file[4] + " or data encoding "
                    + file[5]);
        }
        boolean elf64 = file[4] == 2;
        boolean bigEndian = file[5] == 2;
        if (file.length < (elf64 ? 64 : 52)) {
            throw new IllegalArgumentException("ELF header cut short");
        }
        ByteBuffer b = ByteBuffer.wrap(file)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        long phoff = elf64 ? b.getLong(32) : Integer.toUnsignedLong(b.getInt(28));
        int flags = b.getInt(elf64 ? 48 : 36);
        int phentsize = Short.toUnsignedInt(b.getShort(elf64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(b.getShort(elf64 ? 56 : 44));
        if (phentsize < 4 || phoff < 0 || phoff + (long) phentsize * phnum > file.length) {
            throw new IllegalArgumentException("program headers outside the file");
        }
        boolean interpreter = false;
        boolean dynamic = false;
        for (int i = 0; i < phnum; i++) {
            int pType = b.getInt((int) (phoff + (long) i * phentsize)); // p_type comes first
            interpreter |= pType == PT_INTERP;
            dynamic |= pType == PT_DYNAMIC;
        }
        return new ElfHeader(elf64, bigEndian, type, machine, flags, interpreter, dynamic);
    }

    /** {@return whether this is a statically linked executable: no loader, no dynamic section} */
    public boolean isStaticExecutable() {
        return type == ET_EXEC && !interpreter && !dynamic;
    }

    /**
     * {@return whether this header is the target's: machine, class, data encoding and ABI flags}
     *
     * @param target the platform the helper is built for
     */
    public boolean isFor(Platform.Target target) {
        return machine == target.elfMachine() && elf64 == target.elf64()
                && bigEndian == target.bigEndian()
                && (flags & target.flagsMask()) == target.flagsValue();
    }

    /** {@return a short description, e.g. {@code ELF64 LSB machine 183 flags 0x0, static}} */
    public String describe() {
        return "ELF" + (elf64 ? "64 " : "32 ") + (bigEndian ? "MSB" : "LSB") + " type " + type
                + " machine " + machine + " flags 0x" + Integer.toHexString(flags)
                + (interpreter ? ", with PT_INTERP (dynamically linked)" : "")
                + (dynamic && !interpreter ? ", with PT_DYNAMIC" : "")
                + (isStaticExecutable() ? ", static" : "");
    }

    /**
     * {@return the header a target's helper must have, described as {@link #describe()} does}
     *
     * @param target the platform
     */
    public static String describe(Platform.Target target) {
        return "ELF" + (target.elf64() ? "64 " : "32 ") + (target.bigEndian() ? "MSB" : "LSB")
                + " type " + ET_EXEC + " machine " + target.elfMachine() + " flags 0x"
                + Integer.toHexString(target.flagsValue()) + " (mask 0x"
                + Integer.toHexString(target.flagsMask()) + "), static";
    }
}
