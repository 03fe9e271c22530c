package io.jdaemon.internal.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Names the platform, in one place, for the build that places the helper and for the runtime that
 * looks it up: {@code linux-x86_64}, {@code linux-aarch64}, {@code macos-x86_64},
 * {@code macos-aarch64}. The system property {@value #PROPERTY} overrides the computed name.
 *
 * <p>Internal: not part of the public API.
 */
public final class Platform {

    /** System property that overrides the platform name. */
    public static final String PROPERTY = "jdaemon.platform";

    /** File name of the helper executable. */
    public static final String HELPER_NAME = "jdaemon-helper";

    private Platform() {
    }

    /** The platform name from {@code os.name} and {@code os.arch}, or the override. */
    public static String current() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        return name(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** The platform name for the given {@code os.name} and {@code os.arch} values. */
    public static String name(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            os = "macos";
        } else {
            os = os.replaceAll("[^a-z0-9]+", "");
        }
        String arch = osArch.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
            case "x86-64":
                arch = "x86_64";
                break;
            case "aarch64":
            case "arm64":
                arch = "aarch64";
                break;
            default:
                arch = arch.replaceAll("[^a-z0-9_]+", "");
        }
        return os + "-" + arch;
    }

    /** Class-path resource path of the helper for a platform. */
    public static String helperResource(String platform) {
        return "io/jdaemon/native/" + platform + "/" + HELPER_NAME;
    }

    /**
     * Build step: copies the compiled helper to its per-platform place under the class output
     * directory. Arguments: the built helper, the class output directory.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Platform BUILT_HELPER CLASSES_DIR");
        }
        Path target = Path.of(args[1]).resolve(helperResource(current()));
        Files.createDirectories(target.getParent());
        Files.copy(Path.of(args[0]), target, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
        System.out.println("[jdaemon] helper placed at " + target);
    }
}
