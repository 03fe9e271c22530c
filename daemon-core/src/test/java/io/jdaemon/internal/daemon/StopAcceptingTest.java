package io.jdaemon.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.internal.os.LibC.TcpConnection;
import org.junit.jupiter.api.Test;

/** Which accepted connections a stopping daemon waits for before its shutdown hooks run. */
class StopAcceptingTest {

    private static final int PORT = 8080;

    @Test
    void aRequestNotYetAnsweredIsWaitedFor() {
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 0, 78, 5_000), PORT)).isTrue();
    }

    @Test
    void aNewConnectionWithoutARequestYetIsWaitedFor() {
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 0, 0, 3), PORT)).isTrue();
    }

    @Test
    void aConnectionThatSentNothingForASecondIsNot() {
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 0, 0,
                StopAccepting.NEW_CONNECTION_MS), PORT)).isFalse();
    }

    @Test
    void aConnectionAnsweredOnceIsNot() {
        // a kept-alive connection between requests, or one being answered now
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(PORT, 120, 78, 0), PORT)).isFalse();
    }

    @Test
    void aConnectionOnAnotherPortIsNot() {
        // the service's own connections out (to a database), or another listener's
        assertThat(StopAccepting.waitsForAnswer(new TcpConnection(5432, 0, 78, 0), PORT)).isFalse();
    }
}
