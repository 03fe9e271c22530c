package io.jdaemon.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What /proc says about a process, read from outside it. */
final class Proc {

    final long pid;

    Proc(long pid) {
        this.pid = pid;
    }

    Path dir() {
        return Path.of("/proc", Long.toString(pid));
    }

    /** Not yet exited: a zombie leader whose other threads still exit counts as alive. */
    boolean alive() {
        try {
            if (stat().get(0).charAt(0) != 'Z') {
                return true;
            }
            try (Stream<Path> tasks = Files.list(dir().resolve("task"))) {
                return tasks.count() > 1;
            }
        } catch (UncheckedIOException | IOException e) {
            return false;
        }
    }

    /** Fields of /proc/PID/stat from field 3 (state) on: index 0 is field 3. */
    List<String> stat() {
        String s = read(dir().resolve("stat"));
        return Arrays.asList(s.substring(s.lastIndexOf(')') + 2).trim().split(" "));
    }

    /** Field n (1-based, as in proc_pid_stat(5)) of /proc/PID/stat; n >= 3. */
    long statField(int n) {
        return Long.parseLong(stat().get(n - 3));
    }

    long ppid() {
        return statField(4);
    }

    long pgrp() {
        return statField(5);
    }

    long session() {
        return statField(6);
    }

    long ttyNr() {
        return statField(7);
    }

    long tpgid() {
        return statField(8);
    }

    /** A line of /proc/PID/status, e.g. "Umask" -> "0022". */
    String status(String key) {
        return status(dir().resolve("status"), key);
    }

    static String status(Path file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + key + " in " + file);
    }

    static long mask(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    /** The status files of every thread. */
    List<Path> threadStatusFiles() {
        try (Stream<Path> tasks = Files.list(dir().resolve("task"))) {
            return tasks.map(t -> t.resolve("status")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** fd number -> link target. */
    Map<Integer, String> fds() {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> fds = Files.list(dir().resolve("fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.put(Integer.parseInt(fd.getFileName().toString()),
                            Files.readSymbolicLink(fd).toString());
                } catch (NoSuchFileException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    String cwd() {
        try {
            return Files.readSymbolicLink(dir().resolve("cwd")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> cmdline() {
        return nulSeparated(dir().resolve("cmdline"));
    }

    /**
     * The JVM's options as that JVM holds them ({@code jcmd PID VM.command_line}, its
     * {@code jvm_args} split at spaces): what its command line and its argument files gave it
     * (the daemon's options are in an argument file, not in {@link #cmdline}). Module options
     * appear in the {@code --add-modules=VALUE} form.
     */
    List<String> jvmArgs() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            List<String> cmd = new java.util.ArrayList<>();
            String uid = status("Uid").split("\t")[0];
            if (!uid.equals(new Proc(ProcessHandle.current().pid()).status("Uid").split("\t")[0])) {
                // a JVM lets only its own user attach
                cmd.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + status("Gid").split("\t")[0],
                        "--clear-groups"));
            }
            cmd.addAll(List.of(jcmd.toString(), Long.toString(pid), "VM.command_line"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("jcmd " + pid + " did not finish");
            }
            for (String line : out.split("\n")) {
                if (line.startsWith("jvm_args: ")) {
                    return List.of(line.substring("jvm_args: ".length()).split(" "));
                }
            }
            throw new AssertionError("no jvm_args from jcmd " + pid + ": " + out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    List<String> environ() {
        return nulSeparated(dir().resolve("environ"));
    }

    /**
     * Lines of /proc/locks naming this process. Every HotSpot JVM holds one of its own (a FLOCK on
     * its hsperfdata file): to wait for or prove a pidfile's lock, use {@link #locksOn}.
     */
    List<String> locks() {
        List<String> out = new ArrayList<>();
        for (String line : read(Path.of("/proc/locks")).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[4].equals(Long.toString(pid))) {
                out.add(line);
            }
        }
        return out;
    }

    /** Lines of /proc/locks by this process on {@code file}'s inode; none while it does not exist. */
    List<String> locksOn(Path file) {
        Object inode;
        try {
            inode = Files.getAttribute(file, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : locks()) {
            if (line.matches(".*:" + inode + " .*")) {
                out.add(line);
            }
        }
        return out;
    }

    /** PIDs of all processes whose command line contains {@code token}. */
    static List<Long> withArgument(String token) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    for (String arg : nulSeparated(p.resolve("cmdline"))) {
                        if (arg.contains(token)) {
                            out.add(Long.parseLong(name));
                            break;
                        }
                    }
                } catch (UncheckedIOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** PIDs of the children of this process. */
    List<Long> children() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    try {
                        if (new Proc(Long.parseLong(name)).ppid() == pid) {
                            out.add(Long.parseLong(name));
                        }
                    } catch (UncheckedIOException | IndexOutOfBoundsException e) {
                        // gone meanwhile
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<String> nulSeparated(Path file) {
        String s = read(file);
        if (s.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(s.split("\0"));
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
