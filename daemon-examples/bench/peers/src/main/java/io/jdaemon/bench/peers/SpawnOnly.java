package io.jdaemon.bench.peers;

import java.io.File;
import java.io.IOException;

/**
 * The floor of any launcher that is itself a JVM: it starts its arguments as a command with
 * {@code ProcessBuilder.start()} (stdin from /dev/null, output discarded) and halts, with no
 * detaching, no check, no helper and no wait. What {@code --daemon} costs beyond this is what
 * jdaemon adds; this much every JVM that starts another process pays on a cold start.
 */
public final class SpawnOnly {

    private SpawnOnly() {
    }

    public static void main(String[] args) throws IOException {
        new ProcessBuilder(args)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true)
                .start();
        Runtime.getRuntime().halt(0);
    }
}
