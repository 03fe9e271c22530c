package io.jdaemon.internal.daemon;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Counts the daemon's output that could not be written to its log (a full file system: the
 * JDK's {@code System.out} drops it silently) and says so in the log, once, as soon as a write
 * succeeds again: {@code jdaemon: N lines of output were lost: REASON}. The daemon's
 * {@code System.out} and {@code System.err} are replaced by streams over the same descriptors
 * 1 and 2 (so a reload's reopen reaches them), buffered and flushed as the JDK's are.
 */
public final class LostOutput extends OutputStream {

    private final FileOutputStream out;
    private long lostLines;
    private long lostBytes;
    private String reason;

    private LostOutput(FileDescriptor fd) {
        this.out = new FileOutputStream(fd);
    }

    /** Puts counting streams in place of {@code System.out} and {@code System.err}. */
    static void install() {
        System.setOut(stream(FileDescriptor.out, "stdout.encoding", "sun.stdout.encoding"));
        System.setErr(stream(FileDescriptor.err, "stderr.encoding", "sun.stderr.encoding"));
    }

    private static PrintStream stream(FileDescriptor fd, String property, String oldProperty) {
        return new PrintStream(new BufferedOutputStream(new LostOutput(fd), 8192), true,
                charset(System.getProperty(property, System.getProperty(oldProperty))));
    }

    private static Charset charset(String name) {
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (lostBytes > 0) {
            byte[] notice = ("jdaemon: " + lostLines + (lostLines == 1 ? " line" : " lines") + " of output ("
                    + lostBytes + " bytes) were lost: " + reason + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                out.write(notice);
                lostLines = 0;
                lostBytes = 0;
            } catch (IOException e) {
                lose(b, off, len, e);
                return;
            }
        }
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            lose(b, off, len, e);
        }
    }

    private void lose(byte[] b, int off, int len, IOException e) {
        reason = String.valueOf(e.getMessage());
        lostBytes += len;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                lostLines++;
            }
        }
    }

    @Override
    public void flush() {
        // FileOutputStream has no buffer
    }
}
