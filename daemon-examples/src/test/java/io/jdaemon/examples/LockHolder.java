package io.jdaemon.examples;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Test program run in a JVM of its own: writes {@code CONTENT} ({@code \n} for a newline) into the
 * file {@code PATH}, takes an fcntl write lock on it (as a daemon holds its pidfile), prints
 * {@code locked PID} and sleeps until it is killed. A process that holds a pidfile whose content
 * does not name it. With {@code --read-lock} as CONTENT it only takes a shared (read) lock; with
 * {@code --own-pid} it writes its own PID, as a daemon does (an impostor). Arguments after
 * CONTENT are ignored: they only show in its command line.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        if (args[1].equals("--read-lock")) {
            // A reader's shared lock, as any user who can read the file may take.
            FileChannel reader = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ);
            reader.lock(0, Long.MAX_VALUE, true);
            System.out.println("locked " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        String content = args[1].equals("--own-pid") ? ProcessHandle.current().pid() + "\n"
                : args[1].replace("\\n", "\n");
        ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
        ch.lock();
        System.out.println("locked " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** {@code java -cp TEST_CLASSES io.jdaemon.examples.LockHolder PATH CONTENT}. */
    static List<String> command(Path file, String content) {
        try {
            String classes = Path.of(LockHolder.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).toString();
            return new ArrayList<>(List.of(Example.JAVA, "-cp", classes, LockHolder.class.getName(),
                    file.toString(), content));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
