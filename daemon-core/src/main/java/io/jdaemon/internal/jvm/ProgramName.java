package io.jdaemon.internal.jvm;

import java.io.File;
import java.util.List;
import java.util.Set;

/**
 * The name a service goes by in the launcher's messages ({@code NAME started, pid N}), from the
 * JVM's rebuilt command line rather than {@code sun.java.command}, which joins the arguments with
 * spaces (a jar under {@code /dir with space/} would be named {@code /dir}).
 *
 * <p>The same rule names the service in the launcher and in the control commands.
 *
 * <ul>
 *   <li>{@code -jar DIR/app-1.2.0-SNAPSHOT.jar}: {@code app} (a version suffix, digits with a
 *       dot after the last {@code -} before them, is not part of the name);</li>
 *   <li>{@code -jar DIR/quarkus-app/quarkus-run.jar} (Quarkus): the jar manifest's
 *       {@code Implementation-Title} (Quarkus writes the application's name there), else the
 *       name of the directory holding {@code quarkus-app};</li>
 *   <li>a Spring Boot launcher ({@code -cp app.jar org.springframework.boot.loader.launch.JarLauncher})
 *       with one jar or war on the class path: that file's name, {@code app}; with one directory
 *       (an exploded jar, {@code -cp . JarLauncher}): the simple name of its manifest's
 *       {@code Start-Class};</li>
 *   <li>{@code -m module/pkg.Main} and {@code -m module}: {@code module};</li>
 *   <li>a source file {@code Main.java}: {@code Main};</li>
 *   <li>a main class {@code pkg.Main}: {@code Main}.</li>
 * </ul>
 */
public final class ProgramName {

    /** Spring Boot's launchers (3.2+ and the older package), which name no service. */
    private static final Set<String> SPRING_BOOT_LAUNCHERS = Set.of(
            "org.springframework.boot.loader.launch.JarLauncher",
            "org.springframework.boot.loader.launch.WarLauncher",
            "org.springframework.boot.loader.launch.PropertiesLauncher",
            "org.springframework.boot.loader.JarLauncher",
            "org.springframework.boot.loader.WarLauncher",
            "org.springframework.boot.loader.PropertiesLauncher");
    private static final Set<String> CLASS_PATH = Set.of("-cp", "-classpath", "--class-path");

    private ProgramName() {
    }

    /** {@code name}, or the program's name where it is null. */
    public static String named(String name) {
        return name != null ? name : programName();
    }

    /**
     * The jar's file name without {@code .jar}, or the main class's simple name (see
     * this class), from the rebuilt command line; from {@code sun.java.command} where
     * the platform does not show the command line.
     */
    public static String programName() {
        try {
            return of(JvmCommandLine.current());
        } catch (RuntimeException e) {
            String command = System.getProperty("sun.java.command", "");
            String first = command.split(" ", 2)[0];
            if (first.endsWith(".jar")) {
                String file = new File(first).getName();
                return file.substring(0, file.length() - 4);
            }
            String simple = first.substring(first.lastIndexOf('.') + 1);
            return simple.isEmpty() ? "java" : simple;
        }
    }

    /** The name for the JVM running this command line; {@code java} if it names nothing. */
    public static String of(JvmCommandLine jvm) {
        List<String> argv = jvm.argv();
        int start = argv.size() - jvm.serviceArgs().size();
        if (start < 2) {
            return "java";
        }
        String target = argv.get(start - 1);
        String option = argv.get(start - 2);
        if (target.startsWith("-") && !target.startsWith("--module=")) {
            return "java"; // options only, no main class
        }
        String name;
        if (option.equals("-jar") && fileName(target).equals("quarkus-run.jar")) {
            name = quarkusName(target);
        } else if (option.equals("-jar")) {
            name = withoutVersion(withoutExtension(fileName(target), ".jar"));
        } else if (target.startsWith("--module=") || option.equals("-m") || option.equals("--module")) {
            String module = target.startsWith("--module=") ? target.substring(9) : target;
            int slash = module.indexOf('/');
            name = slash < 0 ? module : module.substring(0, slash);
        } else if (target.endsWith(".java")) {
            name = withoutExtension(fileName(target), ".java");
        } else if (SPRING_BOOT_LAUNCHERS.contains(target) && singleArchive(argv, start - 1) != null) {
            String archive = fileName(singleArchive(argv, start - 1));
            name = withoutVersion(withoutExtension(withoutExtension(archive, ".jar"), ".war"));
        } else if (SPRING_BOOT_LAUNCHERS.contains(target) && startClass(argv, start - 1) != null) {
            name = simpleName(startClass(argv, start - 1));
        } else {
            name = simpleName(target);
        }
        return name.isEmpty() ? "java" : name;
    }

    /** The class path's only entry, if it is one jar or war; else null. */
    private static String singleArchive(List<String> argv, int end) {
        String entry = singleEntry(argv, end);
        return entry != null && (entry.endsWith(".jar") || entry.endsWith(".war")) ? entry : null;
    }

    /**
     * An exploded Spring Boot jar ({@code -cp DIR JarLauncher}): the {@code Start-Class} of
     * DIR's manifest; else null.
     */
    private static String startClass(List<String> argv, int end) {
        String entry = singleEntry(argv, end);
        if (entry == null) {
            return null;
        }
        try (java.io.InputStream in = new java.io.FileInputStream(
                new java.io.File(entry, "META-INF/MANIFEST.MF"))) {
            String start = new java.util.jar.Manifest(in).getMainAttributes().getValue("Start-Class");
            return start == null || start.isBlank() ? null : start.trim();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The class path's only entry; null if there are several or none. */
    private static String singleEntry(List<String> argv, int end) {
        String classPath = null;
        for (int i = 1; i < end; i++) {
            String arg = argv.get(i);
            if (CLASS_PATH.contains(arg) && i + 1 < end) {
                classPath = argv.get(++i);
            } else if (arg.startsWith("--class-path=")) {
                classPath = arg.substring("--class-path=".length());
            }
        }
        return classPath == null || classPath.indexOf(java.io.File.pathSeparatorChar) >= 0 ? null
                : classPath;
    }

    /**
     * {@code mn-daemon-1.0} and {@code app-1.2.0-SNAPSHOT}: {@code mn-daemon}, {@code app}. The
     * name up to the first {@code -} that starts a version: {@code -N.N}, then any number of
     * {@code .X} or {@code -X} (X letters and digits) to the end. By hand, not a regex: start-up
     * rule, see StartupRulesIT.
     */
    static String withoutVersion(String name) {
        for (int dash = name.indexOf('-', 1); dash > 0; dash = name.indexOf('-', dash + 1)) {
            if (isVersion(name, dash)) {
                return name.substring(0, dash);
            }
        }
        return name;
    }

    /** Whether {@code name} from {@code dash} on is {@code -N.N} then {@code [.-]X} up to its end. */
    private static boolean isVersion(String name, int dash) {
        int i = digits(name, dash + 1);
        if (i == dash + 1 || i >= name.length() || name.charAt(i) != '.') {
            return false;
        }
        int end = digits(name, i + 1);
        if (end == i + 1) {
            return false;
        }
        while (end < name.length()) {
            char c = name.charAt(end);
            int word = end + 1;
            while (word < name.length() && isLetterOrDigit(name.charAt(word))) {
                word++;
            }
            if ((c != '.' && c != '-') || word == end + 1) {
                return false;
            }
            end = word;
        }
        return true;
    }

    /** The index after the ASCII digits that start at {@code from}. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static boolean isLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** A Quarkus application's name, for its {@code quarkus-app/quarkus-run.jar}. */
    private static String quarkusName(String jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
            java.util.jar.Manifest manifest = file.getManifest();
            String title = manifest == null ? null
                    : manifest.getMainAttributes().getValue("Implementation-Title");
            if (title != null && !title.isBlank()) {
                return title.trim();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unreadable: named by its directory
        }
        String[] parts = jar.split("/");
        return parts.length >= 3 && parts[parts.length - 2].equals("quarkus-app")
                ? parts[parts.length - 3] : "quarkus-run";
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String withoutExtension(String file, String extension) {
        return file.endsWith(extension) && file.length() > extension.length()
                ? file.substring(0, file.length() - extension.length()) : file;
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
