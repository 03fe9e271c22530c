package io.jdaemon.internal.pidfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@EnabledOnOs({OS.LINUX, OS.MAC})
class PidFileTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<PidFile> held = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (PidFile pidFile : held) {
            pidFile.release();
        }
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private PidFile acquire(Path path, long pid) throws PidFile.HeldException {
        PidFile pidFile = PidFile.acquire(path, pid);
        held.add(pidFile);
        return pidFile;
    }

    // ---- parse -------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'123\\n' | 123",
        "'123'    | 123",
        "''       | 0",
        "'\\n'    | 0",
        "'-5'     | 0",
        "'abc'    | 0",
        "'1\\n2\\n' | 0",
        "'99999999999' | 0",
        "' 12'    | 0",
        "'12 '    | 0",
        "'0'      | 0",
        "'0\\n'   | 0",
        "'12\\n\\n' | 0",
        "'12\\r\\n' | 0",
        "'+12'    | 0",
        "'2147483647' | 2147483647",
        "'2147483648' | 0",
        "'9999999999\\n' | 0",
        "'1'      | 1",
    })
    void parse(String content, long expected) {
        String text = content.replace("\\n", "\n").replace("\\r", "\r");
        assertThat(PidFile.parse(text)).as("parse(%s)", content).isEqualTo(expected);
    }

    @Test
    void parseDoesNotAcceptNonAsciiDigits() {
        assertThat(PidFile.parse("\u0661\u0662\u0663")).isZero(); // Arabic-Indic digits
        assertThat(PidFile.parse("\uFF11\uFF12")).isZero(); // full-width digits
    }

    /**
     * Random contents, biased toward digits and newlines: parse never throws and returns 0 or the
     * value of the content without its trailing newline, in canonical decimal form.
     */
    @Test
    void parseFuzz() {
        long seed = 0xC0FFEE17L;
        Random random = new Random(seed);
        byte[] alphabet = "0123456789\n\r -+ax".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 20000; n++) {
            int len = random.nextInt(14);
            byte[] bytes = new byte[len];
            for (int i = 0; i < len; i++) {
                bytes[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                        : alphabet[random.nextInt(random.nextBoolean() ? 10 : alphabet.length)];
            }
            // Leading zeros are accepted by design (^[0-9]+\n?$): compare without them, below.
            String content = new String(bytes, StandardCharsets.ISO_8859_1);
            String what = "seed=" + seed + " case=" + n + " content=" + escape(content);
            long pid;
            try {
                pid = PidFile.parse(content);
            } catch (RuntimeException e) {
                throw new AssertionError(what + " threw " + e, e);
            }
            String body = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            assertThat(pid).as(what).isGreaterThanOrEqualTo(0);
            if (pid > 0) {
                assertThat(body).as(what).matches("[0-9]{1,10}");
                assertThat(stripLeadingZeros(body)).as(what).isEqualTo(Long.toString(pid));
                assertThat(pid).as(what).isLessThanOrEqualTo(Integer.MAX_VALUE);
            } else {
                boolean valid = body.matches("[0-9]{1,10}") && Long.parseLong(body) > 0
                        && Long.parseLong(body) <= Integer.MAX_VALUE;
                assertThat(valid).as(what + " is a valid PID but parsed as 0").isFalse();
            }
        }
    }

    @Test
    void parseFuzzCanonicalContents() {
        long seed = 77L;
        Random random = new Random(seed);
        for (int n = 0; n < 5000; n++) {
            long pid = 1 + random.nextInt(Integer.MAX_VALUE);
            String content = pid + (random.nextBoolean() ? "\n" : "");
            assertThat(PidFile.parse(content)).as("seed=%d case=%d content=%s", seed, n, escape(content))
                    .isEqualTo(pid);
        }
    }

    private static String stripLeadingZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b.append('"').toString();
    }

    // ---- acquire, inspect, release -----------------------------------------------------------

    @Test
    void acquireWritesThePidWithMode0644AndNoTempFile() throws Exception {
        Path path = dir.resolve("svc.pid");
        PidFile pidFile = acquire(path, 4242);
        assertThat(pidFile.path()).isEqualTo(path);
        assertThat(Files.readString(path)).isEqualTo("4242\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r--r--");
        assertThat(Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(list(dir)).containsExactly("svc.pid");
    }

    @Test
    void inspectWithinTheHoldingJvm() throws Exception {
        Path path = dir.resolve("svc.pid");
        acquire(path, 4242);
        PidFile.State state = PidFile.inspect(path);
        assertThat(state.exists()).isTrue();
        // The lock is this JVM's: FileChannel reports it as an overlapping lock, read as "locked".
        assertThat(state.locked()).isTrue();
        assertThat(state.pid()).hasValue(4242);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void lockIsVisibleInProcLocks() throws Exception {
        Path path = dir.resolve("svc.pid");
        acquire(path, 4242);
        assertThat(locksOf(path)).as("/proc/locks entries of this JVM on the pidfile").isNotEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void inspectWithinTheHoldingJvmKeepsTheLock() throws Exception {
        Path path = dir.resolve("svc.pid");
        acquire(path, ProcessHandle.current().pid());
        assertThat(locksOf(path)).isNotEmpty();
        PidFile.inspect(path);
        // a second daemon must not be able to take the pidfile of this live one
        Process other = start(holderCommand(path, null));
        assertThat(firstLine(other)).as("another JVM's acquire after inspect")
                .startsWith("failed").contains("already running");
        assertThat(locksOf(path)).as("/proc/locks entries of this JVM after inspect").isNotEmpty();
    }

    @Test
    void inspectMissingFile() {
        PidFile.State state = PidFile.inspect(dir.resolve("none.pid"));
        assertThat(state.exists()).isFalse();
        assertThat(state.locked()).isFalse();
        assertThat(state.pid()).isEmpty();
    }

    @Test
    void inspectStaleFile() throws IOException {
        Path path = dir.resolve("stale.pid");
        Files.writeString(path, "123\n");
        PidFile.State state = PidFile.inspect(path);
        assertThat(state.exists()).isTrue();
        assertThat(state.locked()).isFalse();
        assertThat(state.pid()).hasValue(123);

        Files.writeString(path, "garbage");
        assertThat(PidFile.inspect(path).pid()).isEmpty();
        assertThat(PidFile.inspect(path).exists()).isTrue();
    }

    /**
     * Item 7 of issue 20: a FIFO swapped in at the path between a look and an open must not hang
     * inspect (the file is opened once, by the helper, with O_NONBLOCK, and checked on its
     * descriptor). Another thread swaps a FIFO and a regular file at the path all the time; every
     * inspect ends, bounded, with a state or a one-line refusal.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aFifoSwappedInNeverHangsInspect() throws Exception {
        Path path = dir.resolve("swap.pid");
        Path regular = dir.resolve("regular");
        Path fifo = dir.resolve("fifo");
        Files.writeString(regular, "123\n");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread swapper = new Thread(() -> {
            boolean isFifo = false;
            while (go.get()) {
                try {
                    // a hard link of each, renamed over the path: the path always names one of them
                    Path next = dir.resolve("next");
                    Files.deleteIfExists(next);
                    Files.createLink(next, isFifo ? regular : fifo);
                    Files.move(next, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    isFifo = !isFifo;
                } catch (IOException e) {
                    // next round
                }
            }
        });
        swapper.setDaemon(true);
        swapper.start();
        java.util.concurrent.ExecutorService inspector = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "inspector");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.Future<Integer> looks = inspector.submit(() -> {
                int refused = 0;
                for (int i = 0; i < 200; i++) {
                    try {
                        PidFile.inspect(path);
                    } catch (DaemonException e) {
                        assertThat(e.getMessage()).doesNotContain("\n");
                        refused++;
                    }
                }
                return refused;
            });
            assertThat(looks.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("refused looks").isPositive();
        } finally {
            go.set(false);
            swapper.join();
            inspector.shutdownNow();
            // a look blocked on the FIFO (before the fix) ends when a writer opens it
            try (java.io.RandomAccessFile unblock = new java.io.RandomAccessFile(fifo.toFile(), "rw")) {
                unblock.getFD(); // O_RDWR: never blocks on a FIFO (Linux), and wakes a blocked reader
            } catch (IOException ignored) {
                // nothing was blocked
            }
        }
    }

    @Test
    void inspectIgnoresOverlongContent() throws IOException {
        Path path = dir.resolve("long.pid");
        Files.writeString(path, "1".repeat(40) + "\n");
        PidFile.State state = PidFile.inspect(path);
        assertThat(state.exists()).isTrue();
        assertThat(state.pid()).isEmpty();
    }

    @Test
    void inspectRefusesSymlinkAndDirectory() throws IOException {
        Path target = dir.resolve("target");
        Files.writeString(target, "5\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.pid"), target);
        DaemonException e = catchThrowableOfType(DaemonException.class, () -> PidFile.inspect(link));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
        Path sub = Files.createDirectory(dir.resolve("sub.pid"));
        DaemonException d = catchThrowableOfType(DaemonException.class, () -> PidFile.inspect(sub));
        assertThat(d).isNotNull();
        assertThat(d.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
    }

    @Test
    void symlinkAtThePathIsRefusedAndItsTargetUntouched() throws Exception {
        Path target = dir.resolve("precious");
        Files.writeString(target, "do not touch\n");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(target, old);
        Path link = Files.createSymbolicLink(dir.resolve("svc.pid"), target);

        DaemonException e = catchThrowableOfType(DaemonException.class, () -> acquire(link, 4242));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains(link.toString()).contains("symbolic link");

        assertThat(Files.readString(target)).isEqualTo("do not touch\n");
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(old);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(target);
        assertThat(list(dir)).containsExactlyInAnyOrder("precious", "svc.pid");
    }

    @Test
    void danglingSymlinkIsRefusedAndNothingIsCreatedThroughIt() throws Exception {
        Path target = dir.resolve("would-be-created");
        Path link = Files.createSymbolicLink(dir.resolve("svc.pid"), target);
        DaemonException e = catchThrowableOfType(DaemonException.class, () -> acquire(link, 4242));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
        assertThat(target).doesNotExist();
        assertThat(list(dir)).containsExactly("svc.pid");
    }

    @Test
    void directoryAtThePathIsRefused() throws Exception {
        Path path = Files.createDirectory(dir.resolve("svc.pid"));
        DaemonException e = catchThrowableOfType(DaemonException.class, () -> acquire(path, 4242));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains(path.toString());
        assertThat(Files.isDirectory(path)).isTrue();
        assertThat(list(dir)).containsExactly("svc.pid");
    }

    /** A symlink at the temporary name is never followed: its target keeps its content and mode. */
    @Test
    void aSymlinkAtTheTemporaryNameIsNotFollowed() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path path = dir.resolve("svc.pid");
        Files.createSymbolicLink(dir.resolve(".svc.pid.4242.tmp"), secret);

        acquire(path, 4242);

        assertThat(Files.readString(path)).isEqualTo("4242\n");
        assertThat(Files.readString(secret)).isEqualTo("secret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    }

    /** In a directory every user can write without the sticky bit, no pidfile is created. */
    @Test
    void aDirectoryOthersCanChangeIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        DaemonException e = catchThrowableOfType(DaemonException.class,
                () -> acquire(open.resolve("svc.pid"), 4242));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("writable by every user");
        assertThat(list(open)).isEmpty();
    }

    @Test
    void missingDirectoryIsReported() {
        Path path = dir.resolve("no/such/dir/svc.pid");
        DaemonException e = catchThrowableOfType(DaemonException.class, () -> acquire(path, 4242));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitStatus.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains(path.toString());
    }

    @Test
    void staleFileIsReplaced() throws Exception {
        Path path = dir.resolve("svc.pid");
        Files.writeString(path, "999999\n");
        Object staleKey = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        acquire(path, 4242);
        assertThat(Files.readString(path)).isEqualTo("4242\n");
        assertThat(Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .isNotEqualTo(staleKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r--r--");
        assertThat(list(dir)).containsExactly("svc.pid");
    }

    @Test
    void leftoverTempFileOfOurPidIsHandled() throws Exception {
        Path path = dir.resolve("svc.pid");
        Files.writeString(dir.resolve(".svc.pid.4242.tmp"), "junk");
        acquire(path, 4242);
        assertThat(Files.readString(path)).isEqualTo("4242\n");
        assertThat(list(dir)).containsExactly("svc.pid");
    }

    @Test
    void releaseRemovesTheFileAndIsIdempotent() throws Exception {
        Path path = dir.resolve("svc.pid");
        PidFile pidFile = acquire(path, 4242);
        pidFile.release();
        assertThat(path).doesNotExist();
        pidFile.release();
        assertThat(path).doesNotExist();
        assertThat(list(dir)).isEmpty();
        // and the path can be taken again
        acquire(path, 4343);
        assertThat(Files.readString(path)).isEqualTo("4343\n");
    }

    @Test
    void releaseLeavesAFileThatReplacedOurs() throws Exception {
        Path path = dir.resolve("svc.pid");
        PidFile pidFile = acquire(path, 4242);
        Path other = dir.resolve("other");
        Files.writeString(other, "777\n");
        Files.move(other, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        pidFile.release();
        assertThat(path).exists();
        assertThat(Files.readString(path)).isEqualTo("777\n");
    }

    @Test
    void releaseWhenTheFileIsAlreadyGone() throws Exception {
        Path path = dir.resolve("svc.pid");
        PidFile pidFile = acquire(path, 4242);
        Files.delete(path);
        pidFile.release();
        assertThat(path).doesNotExist();
    }

    // ---- across processes --------------------------------------------------------------------

    @Test
    void anotherProcessHoldsThePidfile() throws Exception {
        Path path = dir.resolve("svc.pid");
        Process holder = startHolder(path, null);
        long holderPid = holder.pid();

        PidFile.HeldException held = catchThrowableOfType(PidFile.HeldException.class,
                () -> acquire(path, ProcessHandle.current().pid()));
        assertThat(held).as("acquire while another process holds the pidfile").isNotNull();
        assertThat(held.pid()).isEqualTo(holderPid);
        assertThat(held.getMessage()).contains(Long.toString(holderPid));
        assertThat(Files.readString(path)).isEqualTo(holderPid + "\n");
        assertThat(list(dir)).containsExactly("svc.pid");

        PidFile.State state = PidFile.inspect(path);
        assertThat(state.exists()).isTrue();
        assertThat(state.locked()).isTrue();
        assertThat(state.pid()).hasValue(holderPid);
        assertThat(state.holder()).as("lock holder from /proc/locks").hasValue(holderPid);

        holder.destroyForcibly();
        holder.waitFor();

        PidFile.State stale = PidFile.inspect(path);
        assertThat(stale.exists()).isTrue();
        assertThat(stale.locked()).isFalse();
        assertThat(stale.pid()).hasValue(holderPid);
        assertThat(stale.holder()).isEmpty();

        long me = ProcessHandle.current().pid();
        acquire(path, me);
        assertThat(Files.readString(path)).isEqualTo(me + "\n");
        assertThat(PidFile.inspect(path).locked()).isTrue();
    }

    @Test
    void theHolderSeesOurLock() throws Exception {
        Path path = dir.resolve("svc.pid");
        long me = ProcessHandle.current().pid();
        acquire(path, me);
        Process other = start(holderCommand(path, null));
        String line = firstLine(other);
        assertThat(line).startsWith("failed").contains("already running, pid " + me);
        assertThat(other.waitFor()).isEqualTo(1);
        assertThat(Files.readString(path)).isEqualTo(me + "\n");
    }

    @ParameterizedTest(name = "umask {0}")
    @CsvSource({"000", "077", "022", "027"})
    @EnabledOnOs(OS.LINUX)
    void modeIs0644UnderAnyUmask(String umask) throws Exception {
        Path path = dir.resolve("svc.pid");
        Process holder = startHolder(path, umask);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(path)).isEqualTo(holder.pid() + "\n");
        assertThat(list(dir)).containsExactly("svc.pid");
        String status = Files.readString(Path.of("/proc/" + holder.pid() + "/status"));
        assertThat(status).as("the holder runs under umask %s", umask).contains("Umask:\t0" + umask);
    }

    private Process startHolder(Path path, String umask) throws IOException {
        Process process = start(holderCommand(path, umask));
        String line = firstLine(process);
        assertThat(line).as("holder's first line").isEqualTo("held " + process.pid());
        return process;
    }

    private static List<String> holderCommand(Path path, String umask) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>();
        if (umask != null) {
            command.addAll(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""));
        }
        command.addAll(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), PidFileHolder.class.getName(), path.toString()));
        return command;
    }

    private Process start(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? "" : line;
    }

    /** This process's entries in /proc/locks for the file's inode. */
    private static List<String> locksOf(Path path) throws IOException {
        long inode = (Long) Files.getAttribute(path, "unix:ino");
        String me = Long.toString(ProcessHandle.current().pid());
        List<String> out = new ArrayList<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/locks"))) {
            lines.forEach(line -> {
                String[] f = line.trim().split("\\s+");
                // 1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF
                if (f.length >= 6 && f[1].equals("POSIX") && f[4].equals(me)
                        && f[5].endsWith(":" + inode)) {
                    out.add(line);
                }
            });
        }
        return out;
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
