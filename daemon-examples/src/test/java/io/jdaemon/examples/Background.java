package io.jdaemon.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Processes started in the background, and commands released together behind a barrier. */
final class Background {

    private Background() {
    }

    /** A process started in the background, with its output collected. */
    record Running(Process process, CompletableFuture<String> out, CompletableFuture<String> err) {
        long pid() {
            return process.pid();
        }

        /** Waits (bounded) for its end. */
        Example.Result await(long seconds) {
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("did not finish within " + seconds + " s: "
                            + process.info().commandLine().orElse("?"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return new Example.Result(process.exitValue(), out.join(), err.join());
        }
    }

    static Running background(Example example, ProcessBuilder pb) {
        try {
            Process p = pb.directory(example.dir.toFile()).start();
            p.getOutputStream().close();
            return new Running(p, Example.readAsync(p.getInputStream()),
                    Example.readAsync(p.getErrorStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Running background(Example example, List<String> cmd) {
        return background(example, new ProcessBuilder(cmd));
    }

    /**
     * Starts every command behind a barrier (each waits for a file to appear), releases them all
     * at once and returns their outcomes in order.
     */
    static List<Example.Result> together(Example example, List<List<String>> commands, long seconds) {
        Path go = example.dir.resolve("go-" + System.nanoTime());
        List<Running> running = new ArrayList<>();
        for (List<String> command : commands) {
            List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                    "while [ ! -e \"$0\" ]; do sleep 0.01; done; exec \"$@\"", go.toString()));
            cmd.addAll(command);
            running.add(background(example, cmd));
        }
        try {
            Files.createFile(go);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example.Result> results = new ArrayList<>();
        for (Running r : running) {
            results.add(r.await(seconds));
        }
        return results;
    }
}
