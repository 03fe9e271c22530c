package io.jdaemon.internal.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @Test
    void theNewContentUpToItsLastBytes(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "before\n");
        long start = Files.size(log);
        assertThat(LogTail.since(log, start, 100)).isEmpty();
        Files.writeString(log, "one\ntwo\n", StandardOpenOption.APPEND);
        assertThat(LogTail.since(log, start, 100)).isEqualTo("one\ntwo\n");
        assertThat(LogTail.since(log, start, 4)).isEqualTo("two\n");
        assertThat(LogTail.since(dir.resolve("missing.log"), 0, 100)).isEmpty();
    }

    /** A link put where the log was is not followed: what it names is not read. */
    @Test
    void aLinkAtThePathIsNotFollowed(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "not for the launcher's report\n");
        Path log = Files.createSymbolicLink(dir.resolve("app.log"), secret);
        assertThat(LogTail.since(log, 0, 100)).isEmpty();
    }

    /** A FIFO put where the log was is not opened, so the launcher does not wait for a writer. */
    @Test
    void aFifoAtThePathIsNotWaitedFor(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("app.log");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        assertThat(LogTail.since(fifo, 0, 100)).isEmpty();
    }
}
