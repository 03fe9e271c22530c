package io.jdaemon.internal.daemon;

import io.jdaemon.internal.os.LibC;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * systemd's readiness protocol (sd_notify(3)) for a service started with {@code Type=notify}:
 * datagrams to the AF_UNIX socket named by {@code NOTIFY_SOCKET} (a path, or {@code @name} for an
 * abstract socket). JDK 17 has no AF_UNIX datagram channel, so this goes through {@link LibC};
 * the native library is loaded in the background as soon as the service starts, so that
 * {@code READY=1} does not wait for it. {@code NOTIFY_SOCKET} is removed from the native
 * environment that child processes inherit.
 */
public final class SdNotify {

    /** The environment variable systemd sets for {@code Type=notify} services. */
    public static final String SOCKET_VARIABLE = "NOTIFY_SOCKET";

    private final String address;
    private final CompletableFuture<Void> loaded;
    private ScheduledExecutorService watchdog;

    private SdNotify(String address) {
        this.address = address;
        this.loaded = CompletableFuture.runAsync(() -> {
            LibC.load();
            LibC.unsetenv(SOCKET_VARIABLE);
        }, runnable -> {
            Thread t = new Thread(runnable, "jdaemon-sd-notify-init");
            t.setDaemon(true);
            t.start();
        });
    }

    /** The notifier for this process, or null when systemd does not expect notifications. */
    public static SdNotify fromEnvironment() {
        String address = System.getenv(SOCKET_VARIABLE);
        return address == null || address.isEmpty() ? null : new SdNotify(address);
    }

    /** {@code READY=1} with {@code MAINPID}; starts the watchdog pings if systemd asked for them. */
    public synchronized void ready() {
        long pid = ProcessHandle.current().pid();
        send("READY=1\nMAINPID=" + pid);
        long usec = watchdogUsec(pid);
        if (usec > 0 && watchdog == null) {
            watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread t = new Thread(runnable, "jdaemon-watchdog");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, usec / 2);
            watchdog.scheduleAtFixedRate(() -> send("WATCHDOG=1"), period, period,
                    TimeUnit.MICROSECONDS);
        }
    }

    /** {@code RELOADING=1} with {@code MONOTONIC_USEC}, as {@code Type=notify-reload} wants. */
    public void reloading() {
        // HotSpot's System.nanoTime() reads CLOCK_MONOTONIC, the clock systemd compares with.
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    /** {@code READY=1} after a reload. */
    public void reloaded() {
        send("READY=1");
    }

    /** {@code EXTEND_TIMEOUT_USEC=}: systemd waits that much longer for the next message. */
    public void extendTimeout(long micros) {
        send("EXTEND_TIMEOUT_USEC=" + micros);
    }

    /** {@code STOPPING=1}. */
    public void stopping() {
        send("STOPPING=1");
    }

    /** {@code STATUS=text} (one line: line breaks become spaces). */
    public void status(String text) {
        send("STATUS=" + text.replace('\n', ' '));
    }

    private void send(String message) {
        try {
            loaded.join();
            LibC.sendDatagram(address, message.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException | LinkageError e) {
            LibraryLog.warn(SdNotify.class, "sd_notify to " + address + " failed: " + e);
        }
    }

    /** WATCHDOG_USEC, if set for this process (WATCHDOG_PID absent or this PID); else 0. */
    private static long watchdogUsec(long pid) {
        String forPid = System.getenv("WATCHDOG_PID");
        if (forPid != null && !forPid.equals(Long.toString(pid))) {
            return 0;
        }
        try {
            return Long.parseLong(System.getenv().getOrDefault("WATCHDOG_USEC", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
