package io.jdaemon.internal.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names the platform, in one place, for the build that makes and packages the helpers and for the
 * runtime that looks one up: {@code OS-ARCH}, e.g. {@code linux-x86_64}, {@code linux-aarch64}.
 * {@link #TARGETS} are the platforms the build makes a helper for; the system property
 * {@value #PROPERTY} overrides the computed name.
 *
 * <p>Internal: not part of the public API.
 */
public final class Platform {

    /** System property that overrides the platform name. */
    public static final String PROPERTY = "jdaemon.platform";

    /** File name of the helper executable. */
    public static final String HELPER_NAME = "jdaemon-helper";

    /**
     * A platform the build makes a static helper for, and the ELF header that helper must have.
     *
     * @param name the platform's name, as {@link #name(String, String)} gives it
     * @param elfMachine {@code e_machine}
     * @param elf64 whether the class is {@code ELFCLASS64} (else 32)
     * @param bigEndian whether the data encoding is {@code ELFDATA2MSB} (else LSB)
     * @param flagsMask the bits of {@code e_flags} that must equal {@code flagsValue}: the ABI
     */
    public record Target(String name, int elfMachine, boolean elf64, boolean bigEndian,
            int flagsMask, int flagsValue) {
    }

    /**
     * Every platform a helper is built for (where a compiler for it is installed; CI builds all).
     * The names appear in the build as
     * {@code daemon-native/cmake/toolchain/NAME.cmake} and in the jar as
     * {@link #helperResource(String)}.
     */
    public static final List<Target> TARGETS = List.of(
            new Target("linux-x86_64", 62, true, false, 0, 0),            // EM_X86_64
            new Target("linux-aarch64", 183, true, false, 0, 0),          // EM_AARCH64
            // EM_ARM, EABI version 5, hard-float (EF_ARM_ABI_FLOAT_HARD)
            new Target("linux-arm", 40, false, false, 0xff000400, 0x05000400),
            new Target("linux-ppc64le", 21, true, false, 0x3, 0x2),       // EM_PPC64, ELFv2 ABI
            new Target("linux-s390x", 22, true, true, 0, 0),              // EM_S390
            // EM_RISCV, double-float ABI (lp64d)
            new Target("linux-riscv64", 243, true, false, 0x6, 0x4),
            new Target("linux-x86", 3, false, false, 0, 0));              // EM_386

    private Platform() {
    }

    /** {@return the platform name from {@code os.name} and {@code os.arch}, or the override} */
    public static String current() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        return name(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * The platform name for the given {@code os.name} and {@code os.arch} values: the spellings
     * JVMs use for one architecture ({@code amd64}/{@code x86_64}, {@code aarch64}/{@code arm64},
     * {@code x86}/{@code i386}..{@code i686}) give one name; an unknown one is kept, reduced to
     * letters, digits and {@code _}.
     *
     * @param osName the {@code os.name} value
     * @param osArch the {@code os.arch} value
     * @return the name, such as {@code linux-x86_64}
     */
    public static String name(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            os = "macos";
        } else {
            os = os.replaceAll("[^a-z0-9]+", "");
        }
        return os + "-" + arch(osArch.toLowerCase(Locale.ROOT));
    }

    private static String arch(String osArch) {
        switch (osArch) {
            case "amd64":
            case "x86_64":
            case "x86-64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            case "arm":
            case "armhf":
            case "armv7l":
                return "arm";
            case "x86":
            case "i386":
            case "i486":
            case "i586":
            case "i686":
                return "x86";
            default:
                // ppc64le, s390x, riscv64 are already spelled as the JDK spells them.
                return osArch.replaceAll("[^a-z0-9_]+", "");
        }
    }

    /**
     * {@return the class-path resource path of the helper for a platform}
     *
     * @param platform the platform name
     */
    public static String helperResource(String platform) {
        return "io/jdaemon/native/" + platform + "/" + HELPER_NAME;
    }

    /**
     * {@return the target of that name, or null if no helper is built for it}
     *
     * @param platform the platform name
     */
    public static Target target(String platform) {
        for (Target t : TARGETS) {
            if (t.name().equals(platform)) {
                return t;
            }
        }
        return null;
    }

    /** {@return the platforms whose helper is on this class path, in {@link #TARGETS} order} */
    public static List<String> packaged() {
        ClassLoader loader = Platform.class.getClassLoader();
        List<String> found = new ArrayList<>();
        for (Target t : TARGETS) {
            String resource = helperResource(t.name());
            if (loader == null ? ClassLoader.getSystemResource(resource) != null
                    : loader.getResource(resource) != null) {
                found.add(t.name());
            }
        }
        return found;
    }

    /**
     * Why there is no helper here, for the operator: {@code os.name}, {@code os.arch}, the
     * platform name looked for (and whether it came from {@value #PROPERTY}), and the platforms
     * that are packaged, e.g. {@code os.name=Linux, os.arch=mips64, platform linux-mips64;
     * packaged: linux-x86_64, linux-aarch64}.
     *
     * @return that description
     */
    public static String missingHelperDetails() {
        String override = System.getProperty(PROPERTY);
        boolean overridden = override != null && !override.isBlank();
        List<String> packaged = packaged();
        return "os.name=" + System.getProperty("os.name") + ", os.arch="
                + System.getProperty("os.arch") + ", platform " + current()
                + (overridden ? " (from -D" + PROPERTY + ")" : "") + "; packaged: "
                + (packaged.isEmpty() ? "none" : String.join(", ", packaged));
    }
}
