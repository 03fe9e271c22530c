package io.jdaemon.internal.handshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * What a daemon that failed to start appended to its log, read by the launcher for its report.
 * The log's directory may be another user's (the daemon's, under {@code --user}), who may have
 * put something else at the path since the helper opened it: a link is not followed, and only a
 * regular file is read; the read runs on a thread of its own and is given up after a bounded
 * wait, so a FIFO swapped in after that check cannot hold the launcher.
 */
public final class LogTail {

    /** How long the launcher waits for the read. */
    private static final long WAIT_MILLIS = 2000;

    private LogTail() {
    }

    /**
     * The log's text from byte {@code start} on, at most its last {@code max} bytes (decoded as
     * UTF-8); empty if there is none, or if the path is not a regular file or cannot be read in
     * time.
     */
    public static String since(Path log, long start, int max) {
        String[] text = {""};
        Thread reader = new Thread("jdaemon-log-tail") {
            @Override
            public void run() {
                String read = read(log, start, max);
                synchronized (text) {
                    text[0] = read;
                }
            }
        };
        reader.setDaemon(true);
        reader.start();
        try {
            reader.join(WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (text) {
            return text[0];
        }
    }

    private static String read(Path log, long start, int max) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(log, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                return "";
            }
            try (SeekableByteChannel file = Files.newByteChannel(log,
                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                long size = file.size();
                if (size <= start) {
                    return "";
                }
                long from = Math.max(start, size - max);
                ByteBuffer bytes = ByteBuffer.allocate((int) (size - from));
                file.position(from);
                while (bytes.hasRemaining() && file.read(bytes) > 0) {
                    // until the end as it was when measured
                }
                return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
