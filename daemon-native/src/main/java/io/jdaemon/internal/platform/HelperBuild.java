package io.jdaemon.internal.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Build step, run by Maven after this package is compiled (and left out of the jar): builds the
 * helper for every {@link Platform#TARGETS target} with {@code cmake/build-helpers.cmake}, checks
 * each binary's ELF header against its target (machine, class, byte order, ABI, statically
 * linked) and places it where {@link Platform#helperResource(String)} says, under the class output
 * directory, for the jar plugin to package. A wrong binary, or none for the build machine's own
 * platform, fails the build; a target the driver skipped (no cross compiler) is left out.
 *
 * <p>Arguments: the daemon-native directory, the cmake build directory, the class output
 * directory.
 */
public final class HelperBuild {

    private HelperBuild() {
    }

    /**
     * Builds, checks and places the helpers.
     *
     * @param args the daemon-native directory, the cmake build directory, the class output
     *     directory
     * @throws IOException if a file cannot be read or written
     * @throws InterruptedException if interrupted while cmake runs
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: HelperBuild SOURCE_DIR BUILD_DIR CLASSES_DIR");
        }
        Path source = Path.of(args[0]).toAbsolutePath();
        Path build = Path.of(args[1]).toAbsolutePath();
        Path classes = Path.of(args[2]).toAbsolutePath();
        String host = Platform.current();
        List<String> targets = new ArrayList<>();
        if (Platform.target(host) == null) {
            // Not a Linux target (macOS, say): build just this platform's helper, unchecked.
            targets.add(host);
        } else {
            Platform.TARGETS.forEach(t -> targets.add(t.name()));
        }

        runDriver(source, build, host, targets);

        List<String> placed = new ArrayList<>();
        for (String name : targets) {
            Path built = build.resolve(name).resolve(Platform.HELPER_NAME);
            Path placedAt = classes.resolve(Platform.helperResource(name));
            if (!Files.isRegularFile(built)) {
                Files.deleteIfExists(placedAt); // from an earlier build that had the compiler
                if (name.equals(host)) {
                    throw new IllegalStateException("no helper was built for this platform, " + host
                            + ", at " + built);
                }
                continue;
            }
            Platform.Target target = Platform.target(name);
            if (target != null) {
                check(built, target);
            }
            Files.createDirectories(placedAt.getParent());
            Files.copy(built, placedAt, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(placedAt, PosixFilePermissions.fromString("rwxr-xr-x"));
            placed.add(name);
        }
        System.out.println("[jdaemon] helpers checked and packaged: " + String.join(", ", placed));
    }

    private static void runDriver(Path source, Path build, String host, List<String> targets)
            throws IOException, InterruptedException {
        List<String> cmd = List.of("cmake", "-DJDAEMON_SOURCE=" + source,
                "-DJDAEMON_BUILD=" + build, "-DJDAEMON_HOST=" + host,
                "-DJDAEMON_TARGETS=" + String.join(";", targets),
                "-P", source.resolve("cmake").resolve("build-helpers.cmake").toString());
        int exit = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("building the helpers failed (exit " + exit + "): "
                    + String.join(" ", cmd));
        }
    }

    /** Fails unless {@code file} is a static executable for {@code target}. */
    static void check(Path file, Platform.Target target) throws IOException {
        ElfHeader elf;
        try {
            elf = ElfHeader.read(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
        if (!elf.isFor(target) || !elf.isStaticExecutable()) {
            throw new IllegalStateException("the " + target.name() + " helper " + file + " is "
                    + elf.describe() + ", expected " + ElfHeader.describe(target));
        }
    }
}
