package io.jdaemon.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * The cost of the first use of one JDK facility in a fresh JVM: {@code FirstUse NAME} performs
 * it once and prints the microseconds it took. Each run is a new JVM, so each number is the
 * cold cost a launcher or a daemon pays when its start-up path touches that facility. Nothing
 * here uses string concatenation, lambdas or streams before the measurement ends.
 */
public final class FirstUse {

    private FirstUse() {
    }

    public static void main(String[] args) throws Exception {
        String what = args[0];
        Path tmp = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        long t0 = System.nanoTime();
        Object sink = run(what, tmp);
        long t1 = System.nanoTime();
        System.out.println((t1 - t0) / 1000);
        if (sink == null) {
            System.err.println("nothing measured");
        }
    }

    private static Object run(String what, Path tmp) throws Exception {
        switch (what) {
            case "nothing":
                return what;
            case "string-concat":
                return "t " + System.nanoTime();
            case "string-builder":
                return new StringBuilder("t ").append(System.nanoTime()).toString();
            case "lambda": {
                Runnable r = () -> { };
                r.run();
                return r;
            }
            case "stream":
                return List.of("a", "b", "c").stream().map(String::toUpperCase)
                        .collect(Collectors.joining(","));
            case "regex":
                return Pattern.compile("^(\\d+)\\s+(\\S+)$").matcher("42 x").matches();
            case "sha-256":
                return MessageDigest.getInstance("SHA-256").digest(new byte[65536]);
            case "crc32": {
                CRC32 crc = new CRC32();
                crc.update(new byte[65536]);
                return crc.getValue();
            }
            case "hexformat":
                return HexFormat.of().formatHex(new byte[8]);
            case "securerandom":
                return SecureRandom.getInstance("NativePRNGNonBlocking").nextInt();
            case "temp-dir": {
                Path dir = Files.createTempDirectory(tmp, "t");
                Files.delete(dir);
                return dir;
            }
            case "private-dir": {
                // What the readiness handshake does: a 0700 directory, a file written under a
                // temporary name and renamed into place, read back.
                Path dir = tmp.resolve(Long.toString(System.nanoTime()));
                Files.createDirectory(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path part = dir.resolve("settings.tmp");
                Path file = dir.resolve("settings");
                Files.write(part, new byte[64]);
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
                byte[] back = Files.readAllBytes(file);
                Files.delete(file);
                Files.delete(dir);
                return back;
            }
            case "tcp-socket": {
                try (ServerSocketChannel server = ServerSocketChannel.open()) {
                    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    return server;
                }
            }
            case "file-lock": {
                Path file = tmp.resolve(Long.toString(System.nanoTime()));
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                    return lock;
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            case "resource": {
                try (InputStream in = FirstUse.class.getResourceAsStream("FirstUse.class")) {
                    return in.readAllBytes();
                }
            }
            case "pid":
                return ProcessHandle.current().pid();
            case "proc-self":
                return Files.readSymbolicLink(Path.of("/proc/self")).toString();
            case "process": {
                Process p = new ProcessBuilder("/bin/true").start();
                return p.waitFor();
            }
            default:
                throw new IllegalArgumentException(what);
        }
    }
}
