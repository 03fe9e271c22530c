package io.jdaemon.examples;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test that starts the example in a temporary directory of its own; every process whose
 * command line names that directory is killed after each test.
 */
abstract class WithExample {

    @TempDir
    Path dir;
    Example example;

    @BeforeEach
    void createExample() {
        example = new Example(dir);
    }

    @AfterEach
    void killEverythingStarted() {
        example.close();
    }
}
