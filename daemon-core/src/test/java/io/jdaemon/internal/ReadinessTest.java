package io.jdaemon.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The readiness handshake under hostile conditions: a daemon that dies at any point, a client
 * that is not the daemon, a launcher that goes away, the watchdog closing the listener. The
 * daemon's side is played by the real {@link Readiness.Reporter} or by a raw socket speaking the
 * protocol (to fail where the reporter never would).
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ReadinessTest {

    private static final Readiness.Settings SETTINGS =
            new Readiness.Settings("/run/x.pid", "/var/log/x.log", "RELOAD", true);
    private static final long PID = 4242;

    private Readiness.Listener listener;

    @BeforeEach
    void open() throws IOException {
        listener = Readiness.Listener.open();
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    private CompletableFuture<Readiness.Outcome> await(long pid) {
        CompletableFuture<Readiness.Outcome> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(listener.await(pid, SETTINGS));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "readiness-await");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static Readiness.Outcome get(CompletableFuture<Readiness.Outcome> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<Readiness.Outcome> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** A raw client: the daemon's side without the reporter's guarantees. */
    private final class Raw implements AutoCloseable {
        final SocketChannel ch;
        final DataOutputStream out;
        final DataInputStream in;

        Raw() throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(listener.address()));
            out = new DataOutputStream(Channels.newOutputStream(ch));
            in = new DataInputStream(Channels.newInputStream(ch));
        }

        Readiness.Settings hello(long pid) throws IOException {
            out.writeUTF("HELLO");
            out.writeLong(pid);
            out.flush();
            return new Readiness.Settings(in.readUTF(), in.readUTF(), in.readUTF(), in.readBoolean());
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    // ---- the protocol as the reporter speaks it ----------------------------------------------

    @Test
    void theDaemonReceivesTheSettingsAndReportsReady() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        Readiness.Reporter reporter = Readiness.Reporter.connect(listener.address());

        assertThat(reporter.hello(PID)).isEqualTo(SETTINGS);
        reporter.ready();

        assertThat(get(outcome)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.READY, "", PID));
        assertThat(listener.connected()).isTrue();
        assertThat(reporter.done()).isTrue();
    }

    @Test
    void anotherDaemonHoldingThePidFileIsReportedWithItsPid() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        Readiness.Reporter reporter = Readiness.Reporter.connect(listener.address());
        reporter.hello(PID);

        reporter.running(777);

        assertThat(get(outcome)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.RUNNING, "", 777));
    }

    @Test
    void onlyTheFirstOutcomeCounts() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        Readiness.Reporter reporter = Readiness.Reporter.connect(listener.address());
        reporter.hello(PID);

        reporter.ready();
        reporter.failed("too late");
        reporter.running(1);

        assertThat(get(outcome).kind()).isEqualTo(Readiness.Outcome.Kind.READY);
    }

    /** The launcher was killed after it sent the settings: the daemon's report goes nowhere, quietly. */
    @Test
    void aReportToALauncherThatIsGoneDoesNotFailTheDaemon() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        Readiness.Reporter reporter = Readiness.Reporter.connect(listener.address());
        reporter.hello(PID);
        listener.close();
        failure(outcome);

        reporter.ready();

        assertThat(reporter.done()).isTrue();
    }

    @Test
    void connectingWhereNoLauncherListensFails() throws Exception {
        String address = listener.address();
        listener.close();

        Throwable e = catchThrowable(() -> Readiness.Reporter.connect(address));

        assertThat(e).isInstanceOf(IOException.class);
    }

    // ---- a daemon that dies, a client that is not the daemon ---------------------------------

    @Test
    void aDaemonThatDiesBeforeHelloIsDied() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        new Raw().close();

        assertThat(get(outcome).kind()).isEqualTo(Readiness.Outcome.Kind.DIED);
    }

    @Test
    void aDaemonThatDiesAfterHelloIsDied() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        try (Raw raw = new Raw()) {
            assertThat(raw.hello(PID)).isEqualTo(SETTINGS);
        }

        assertThat(get(outcome)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.DIED, "", PID));
    }

    @Test
    void aDaemonThatDiesHalfWayThroughItsReportIsDied() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        try (Raw raw = new Raw()) {
            raw.hello(PID);
            raw.out.writeUTF("FAILED");
            raw.out.writeShort(100); // a message of 100 bytes announced, 3 sent
            raw.out.write("abc".getBytes());
            raw.out.flush();
        }

        assertThat(get(outcome).kind()).isEqualTo(Readiness.Outcome.Kind.DIED);
    }

    @Test
    void aFailureCarriesItsReasonOnceTheDaemonHasGone() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        Raw raw = new Raw();
        raw.hello(PID);
        raw.out.writeUTF("FAILED");
        raw.out.writeUTF("java.lang.IllegalStateException: boom");
        raw.out.flush();

        // The launcher returns only when the failed daemon's end closes (it has exited).
        Thread.sleep(200);
        assertThat(outcome).isNotDone();
        raw.close();

        assertThat(get(outcome)).isEqualTo(new Readiness.Outcome(Readiness.Outcome.Kind.FAILED,
                "java.lang.IllegalStateException: boom", PID));
    }

    @Test
    void aClientWithAnotherPidIsRejected() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        try (Raw raw = new Raw()) {
            raw.out.writeUTF("HELLO");
            raw.out.writeLong(PID + 1);
            raw.out.flush();

            Throwable e = failure(outcome);

            assertThat(e).isInstanceOf(IOException.class)
                    .hasMessageContaining("a process other than the daemon connected");
            listener.close(); // as the launcher's try-with-resources does
            // it learnt nothing of the settings
            assertThat(raw.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aClientSpeakingAnotherProtocolIsRejected() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        try (Raw raw = new Raw()) {
            raw.out.writeUTF("GET / HTTP/1.0");
            raw.out.writeLong(PID);
            raw.out.flush();

            assertThat(failure(outcome)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void anUnknownReportIsRejected() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        try (Raw raw = new Raw()) {
            raw.hello(PID);
            raw.out.writeUTF("MAYBE");
            raw.out.flush();

            assertThat(failure(outcome)).isInstanceOf(IOException.class)
                    .hasMessageContaining("unexpected message from the daemon: MAYBE");
        }
    }

    // ---- the watchdog and the socket's directory ---------------------------------------------

    /** What the launcher's watchdog relies on: closing the listener ends a wait in accept. */
    @Test
    void closingTheListenerEndsAWaitBeforeTheDaemonConnects() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        Thread.sleep(100);

        listener.close();

        assertThat(failure(outcome)).isInstanceOf(ClosedChannelException.class);
        assertThat(listener.connected()).isFalse();
    }

    /** ... and a wait for the report of a daemon that connected and then hangs. */
    @Test
    void closingTheListenerEndsAWaitForAHangingDaemon() throws Exception {
        CompletableFuture<Readiness.Outcome> outcome = await(PID);
        try (Raw raw = new Raw()) {
            raw.hello(PID);
            awaitConnected(listener);

            listener.close();

            assertThat(failure(outcome)).isInstanceOf(ClosedChannelException.class);
            assertThat(raw.in.read()).as("the daemon sees the launcher go").isEqualTo(-1);
        }
    }

    @Test
    void theSocketIsInAPrivateDirectoryRemovedOnClose() throws Exception {
        Path socket = Path.of(listener.address());
        Path dir = socket.getParent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rwx------");
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();

        listener.close();

        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(dir, LinkOption.NOFOLLOW_LINKS)).isFalse();
        listener.close(); // idempotent
    }

    @Test
    void eachListenerHasItsOwnAddress() throws IOException {
        try (Readiness.Listener other = Readiness.Listener.open()) {
            assertThat(other.address()).isNotEqualTo(listener.address());
        }
    }

    /** Bounded wait for the listener to have accepted the connection. */
    private static void awaitConnected(Readiness.Listener listener) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listener.connected()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the listener did not accept the connection");
            }
            Thread.sleep(10);
        }
    }
}
