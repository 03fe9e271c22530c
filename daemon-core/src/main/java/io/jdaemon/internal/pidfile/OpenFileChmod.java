package io.jdaemon.internal.pidfile;

import io.jdaemon.internal.os.Decimal;
import io.jdaemon.internal.os.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Sets the mode of a file this process has open, through its descriptor's name in
 * {@code /proc/self/fd}.
 */
final class OpenFileChmod {

    private OpenFileChmod() {
    }

    /**
     * chmod on the open descriptor, not on the name: through {@code /proc/self/fd/N}, for the
     * descriptor N that is open on the file named {@code name} (found by comparing the inode; if
     * the name no longer names an open file of ours, it was swapped, and nothing is changed).
     * Without /proc the name is used, which the trusted directory keeps safe.
     */
    static void chmod(Path name, Object key) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            Files.setPosixFilePermissions(name, FileModes.RW_OWNER_R_OTHERS);
            return;
        }
        String[] entries = fds.toFile().list();
        int[] numbers = new int[entries == null ? 0 : entries.length];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = (int) Decimal.parse(entries[i]);
        }
        // An insertion sort of the few descriptors: Arrays.sort bootstraps lambdas on JDK 22+
        // (its vectorised-sort entry points take method references), 10 ms in a fresh JVM.
        for (int i = 1; i < numbers.length; i++) {
            int n = numbers[i];
            int j = i;
            for (; j > 0 && numbers[j - 1] > n; j--) {
                numbers[j] = numbers[j - 1];
            }
            numbers[j] = n;
        }
        for (int i = numbers.length - 1; i >= 0; i--) { // the newest descriptor first
            Path open = fds.resolve(Integer.toString(numbers[i]));
            try {
                BasicFileAttributes attrs = Files.readAttributes(open, BasicFileAttributes.class);
                if (attrs.isRegularFile() && Objects.equals(attrs.fileKey(), key)) {
                    Files.setPosixFilePermissions(open, FileModes.RW_OWNER_R_OTHERS);
                    return;
                }
            } catch (IOException e) {
                // closed meanwhile, or not a file
            }
        }
        throw new IOException(name + " was replaced while it was created");
    }
}
