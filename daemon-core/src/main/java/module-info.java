/**
 * jdaemon: a real Unix daemon mode for any JVM service. Only {@code io.jdaemon} is exported.
 *
 * <p>A jlink image for a service using it needs {@code java.base}, {@code jdk.unsupported} and
 * {@code java.logging} besides the service's own; the jdaemon, daemon-native and JNA jars stay on
 * the module path (JNA and daemon-native are automatic modules, which jlink does not take).
 */
module io.jdaemon {
    exports io.jdaemon;

    // sun.misc.Signal: SIGHUP and the signal policy.
    requires jdk.unsupported;
    // JNA (native calls in the daemon) is an automatic module and cannot say it needs
    // java.util.logging: required here on its behalf, so that no --add-modules is needed.
    requires java.logging;
    requires com.sun.jna;
    // daemon-native: the helper binaries and the platform table (an automatic module).
    requires io.jdaemon.helper;
    // The library's messages go through SLF4J only when the application has a provider.
    requires static org.slf4j;
}
