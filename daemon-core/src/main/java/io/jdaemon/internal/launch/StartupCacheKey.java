package io.jdaemon.internal.launch;

import io.jdaemon.internal.jvm.JvmCommandLine;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a startup cache's archive depends on, as one hash in its file name ({@link StartupCache}):
 * the JDK, the JVM's options and what it runs, and the class path's files.
 */
final class StartupCacheKey {

    private StartupCacheKey() {
    }

    /**
     * The hash of what an archive depends on: the JDK (its executable, release file and
     * {@code lib/modules}), the JVM's options and what it runs, and each class-path file (the
     * {@code -jar} file, its manifest's {@code Class-Path}, {@code -cp} and module-path
     * entries) by path, size and modification time.
     */
    static long of(JvmCommandLine jvm, Path home, Map<String, String> release) {
        long h = fnv(FNV_BASIS, "jdaemon-startup-cache 1");
        h = fnv(h, jvm.argv().get(0));
        h = fnv(h, String.valueOf(release));
        if (home != null) {
            h = fnv(h, identity(home.resolve("lib").resolve("modules")));
        }
        List<String> options = jvm.argv().subList(1, jvm.serviceArgsStart());
        for (String option : options) {
            if (!isApplicationProperty(option)) {
                h = fnv(h, option);
            }
        }
        for (Path file : classPath(jvm)) {
            h = fnv(h, identity(file));
        }
        return h;
    }

    /**
     * Whether {@code option} sets a system property of the application's ({@code -Dname=value}
     * whose name is not the JDK's: not {@code java.}, {@code jdk.}, {@code sun.}): no archive
     * depends on it, and a value that changes from start to start ({@code -Dserver.port=$PORT},
     * an instance name) would otherwise train a new archive every time and never use one.
     */
    static boolean isApplicationProperty(String option) {
        if (!option.startsWith("-D")) {
            return false;
        }
        String name = option.substring(2);
        return !(name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun."));
    }

    /** The class-path and module-path files of {@code jvm} (absolute, as the command line is). */
    static List<Path> classPath(JvmCommandLine jvm) {
        List<String> args = jvm.argv().subList(1, jvm.serviceArgsStart());
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String list = null;
            if (arg.equals("-jar") && i + 1 < args.size()) {
                Path jar = Path.of(args.get(i + 1));
                out.add(jar);
                out.addAll(manifestClassPath(jar));
            } else if ((arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")
                    || arg.equals("-p") || arg.equals("--module-path")) && i + 1 < args.size()) {
                list = args.get(i + 1);
            } else if (arg.startsWith("--class-path=") || arg.startsWith("--module-path=")) {
                list = arg.substring(arg.indexOf('=') + 1);
            }
            if (list != null) {
                for (String entry : list.split(File.pathSeparator)) {
                    if (!entry.isEmpty()) {
                        out.add(Path.of(entry));
                    }
                }
            }
        }
        return out;
    }

    /** The jars a {@code -jar} file's manifest names in {@code Class-Path}, resolved beside it. */
    private static List<Path> manifestClassPath(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null || value.isBlank()) {
                return List.of();
            }
            List<Path> out = new ArrayList<>();
            Path base = jar.toAbsolutePath().getParent();
            for (String entry : value.trim().split("\\s+")) {
                if (!entry.contains(":")) {
                    out.add(base.resolve(entry));
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** {@code path:size:mtime} of a file, or {@code path:none}. */
    private static String identity(Path file) {
        try {
            Map<String, Object> attrs = Files.readAttributes(file, "unix:size,lastModifiedTime,ino");
            return file + ":" + attrs.get("size") + ":" + ((FileTime) attrs.get("lastModifiedTime")).toMillis()
                    + ":" + attrs.get("ino");
        } catch (IOException | RuntimeException e) {
            return file + ":none";
        }
    }

    /** The {@code KEY="value"} lines of a JDK's release file; empty if there is none. */
    static Map<String, String> release(Path file) {
        try {
            if (Files.size(file) > 64 * 1024) {
                return Map.of();
            }
            TreeMap<String, String> out = new TreeMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    String value = line.substring(eq + 1).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    out.put(line.substring(0, eq).trim(), value);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The feature release of a {@code JAVA_VERSION} ("17.0.15", "25", "1.8.0_402": 8); -1. */
    static int feature(String version) {
        if (version == null || version.isEmpty()) {
            return -1;
        }
        String[] parts = version.split("[^0-9]+");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static final long FNV_BASIS = 0xcbf29ce484222325L;

    /** 64-bit FNV-1a of {@code text}'s UTF-8 bytes and a separator, continuing from {@code h}. */
    static long fnv(long h, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= 0xff;
        h *= 0x100000001b3L;
        return h;
    }

}
