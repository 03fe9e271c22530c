package io.jdaemon.bench.peers;

/** An empty main: the cost of booting a JVM and loading one class from the class path. */
public final class Empty {

    private Empty() {
    }

    public static void main(String[] args) {
        // nothing: the benchmark times the JVM's boot and exit
    }
}
