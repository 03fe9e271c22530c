package io.jdaemon.internal.daemon;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Where the library's own messages go: through SLF4J when the application has an SLF4J provider,
 * else one line on stderr (the daemon's log). SLF4J is not initialised before a provider is known
 * to be there, so the library never makes it print its "No SLF4J providers were found" warning.
 */
public final class LibraryLog {

    private static final String PREFIX = "jdaemon: ";
    private static volatile Boolean slf4j;

    private LibraryLog() {
    }

    /** An error, with the exception that caused it (null for none). */
    static void error(Class<?> from, String message, Throwable cause) {
        if (hasSlf4jProvider()) {
            Slf4j.error(from, message, cause);
        } else {
            System.err.print(PREFIX + message + (cause == null ? "\n" : ": "));
            if (cause != null) {
                cause.printStackTrace(); // the service's own exception (a reload callback's)
            }
        }
    }

    /** A warning in one line. */
    static void warn(Class<?> from, String message) {
        if (hasSlf4jProvider()) {
            Slf4j.warn(from, message);
        } else {
            System.err.println(PREFIX + message);
        }
    }

    /**
     * Whether SLF4J is there with a provider (an SLF4J 2 service provider, or an SLF4J 1 binding),
     * found without initialising SLF4J.
     */
    static boolean hasSlf4jProvider() {
        Boolean known = slf4j;
        if (known == null) {
            known = findProvider();
            slf4j = known;
        }
        return known;
    }

    private static boolean findProvider() {
        Module module = LibraryLog.class.getModule();
        if (module.isNamed()) {
            // On the module path: a module of this layer that provides the SLF4J 2 service, and
            // SLF4J itself resolved (it is an optional dependency: requires static).
            ModuleLayer layer = module.getLayer() == null ? ModuleLayer.boot() : module.getLayer();
            return layer.findModule("org.slf4j").isPresent() && layer.modules().stream()
                    .anyMatch(m -> m.getDescriptor().provides().stream().anyMatch(
                            p -> p.service().equals("org.slf4j.spi.SLF4JServiceProvider")));
        }
        ClassLoader loader = LibraryLog.class.getClassLoader();
        try {
            Class<?> spi = Class.forName("org.slf4j.spi.SLF4JServiceProvider", false, loader);
            if (ServiceLoader.load(spi, loader).iterator().hasNext()) {
                return true;
            }
        } catch (ClassNotFoundException | LinkageError | ServiceConfigurationError e) {
            // no SLF4J 2 API: an SLF4J 1 binding, or nothing
        }
        return loader != null && loader.getResource("org/slf4j/impl/StaticLoggerBinder.class") != null;
    }

    /** SLF4J's classes, in a class of their own: loaded only when a provider is there. */
    private static final class Slf4j {
        static void error(Class<?> from, String message, Throwable cause) {
            org.slf4j.LoggerFactory.getLogger(from).error(message, cause);
        }

        static void warn(Class<?> from, String message) {
            org.slf4j.LoggerFactory.getLogger(from).warn(message);
        }
    }
}
