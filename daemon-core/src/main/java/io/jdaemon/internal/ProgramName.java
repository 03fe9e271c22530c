package io.jdaemon.internal;

import java.util.List;
import java.util.Set;

/**
 * The name a service goes by in the launcher's messages ({@code NAME started, pid N}), from the
 * JVM's rebuilt command line rather than {@code sun.java.command}, which joins the arguments with
 * spaces (a jar under {@code /dir with space/} would be named {@code /dir}).
 *
 * <ul>
 *   <li>{@code -jar DIR/app.jar}: {@code app};</li>
 *   <li>a Spring Boot launcher ({@code -cp app.jar org.springframework.boot.loader.launch.JarLauncher})
 *       with one jar or war on the class path: that file's name, {@code app};</li>
 *   <li>{@code -m module/pkg.Main}: {@code Main}; {@code -m module}: {@code module};</li>
 *   <li>a source file {@code Main.java}: {@code Main};</li>
 *   <li>a main class {@code pkg.Main}: {@code Main}.</li>
 * </ul>
 */
final class ProgramName {

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
        if (option.equals("-jar")) {
            name = withoutExtension(fileName(target), ".jar");
        } else if (target.startsWith("--module=") || option.equals("-m") || option.equals("--module")) {
            String module = target.startsWith("--module=") ? target.substring(9) : target;
            int slash = module.indexOf('/');
            name = slash < 0 ? module : simpleName(module.substring(slash + 1));
        } else if (target.endsWith(".java")) {
            name = withoutExtension(fileName(target), ".java");
        } else if (SPRING_BOOT_LAUNCHERS.contains(target) && singleArchive(argv, start - 1) != null) {
            String archive = fileName(singleArchive(argv, start - 1));
            name = withoutExtension(withoutExtension(archive, ".jar"), ".war");
        } else {
            name = simpleName(target);
        }
        return name.isEmpty() ? "java" : name;
    }

    /** The class path's only entry, if it is one jar or war; else null. */
    private static String singleArchive(List<String> argv, int end) {
        String classPath = null;
        for (int i = 1; i < end; i++) {
            String arg = argv.get(i);
            if (CLASS_PATH.contains(arg) && i + 1 < end) {
                classPath = argv.get(++i);
            } else if (arg.startsWith("--class-path=")) {
                classPath = arg.substring("--class-path=".length());
            }
        }
        if (classPath == null || classPath.indexOf(java.io.File.pathSeparatorChar) >= 0) {
            return null;
        }
        return classPath.endsWith(".jar") || classPath.endsWith(".war") ? classPath : null;
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
