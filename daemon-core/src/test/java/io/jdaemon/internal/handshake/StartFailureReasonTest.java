package io.jdaemon.internal.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class StartFailureReasonTest {

    /** Spring Boot 3.5.7's log of a port conflict, as a daemon wrote it. */
    private static final String SPRING_PORT_CONFLICT = String.join("\n",
            "2026-12-02T01:34:29.654Z  WARN 7027 --- [main] ConfigServletWebServerApplicationContext : "
                    + "Exception encountered during context initialization - cancelling refresh attempt: "
                    + "org.springframework.context.ApplicationContextException: Failed to start bean "
                    + "'webServerStartStop'",
            "2026-12-02T01:34:29.687Z ERROR 7027 --- [main] o.s.b.d.LoggingFailureAnalysisReporter   : ",
            "",
            "***************************",
            "APPLICATION FAILED TO START",
            "***************************",
            "",
            "Description:",
            "",
            "Web server failed to start. Port 18080 was already in use.",
            "",
            "Action:",
            "",
            "Identify and stop the process that's listening on port 18080 or configure this "
                    + "application to listen on another port.",
            "");

    @Test
    void springBootsFailureAnalysisIsTheReason() {
        assertThat(StartFailureReason.fromText(SPRING_PORT_CONFLICT))
                .isEqualTo("Web server failed to start. Port 18080 was already in use.");
    }

    @Test
    void aMultiLineDescriptionIsJoined() {
        assertThat(StartFailureReason.fromText("APPLICATION FAILED TO START\n\nDescription:\n\n"
                + "Parameter 0 of constructor required a bean\nthat could not be found.\n\nAction:\n"))
                .isEqualTo("Parameter 0 of constructor required a bean that could not be found.");
    }

    @Test
    void otherwiseTheFirstErrorLineWithTheRootCauseOfTheTraceBelowIt() {
        String log = String.join("\n",
                "2026-12-02T01:34:29.687Z ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed",
                "org.springframework.beans.factory.BeanCreationException: Error creating bean 'x'",
                "\tat org.springframework.Foo.bar(Foo.java:1)",
                "Caused by: java.lang.IllegalStateException: wrapper",
                "\t... 12 more",
                "Caused by: java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)",
                "\tat java.base/java.io.FileInputStream.open0(Native Method)",
                "\t... 20 more",
                "2026-12-02T01:34:30.001Z ERROR 1 --- [main] a.Later : a later error");
        assertThat(StartFailureReason.fromText(log))
                .isEqualTo("ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed: "
                        + "java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)");
    }

    @Test
    void otherwiseTheRootCauseOfTheLastStackTrace() {
        String log = String.join("\n",
                "starting",
                "org.springframework.beans.factory.BeanCreationException: Error creating bean 'x'",
                "\tat org.springframework.Foo.bar(Foo.java:1)",
                "Caused by: java.lang.IllegalStateException: wrapper",
                "\t... 12 more",
                "Caused by: java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)",
                "\tat java.base/java.io.FileInputStream.open0(Native Method)",
                "\t\tSuppressed: java.lang.RuntimeException: cleanup failed",
                "\t\tCaused by: java.lang.RuntimeException: not the root",
                "\t... 20 more");
        assertThat(StartFailureReason.fromText(log))
                .isEqualTo("java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)");
    }

    @Test
    void otherwiseTheLastLineNamingAnException() {
        assertThat(StartFailureReason.fromText("starting\nException in thread \"main\" "
                + "java.lang.IllegalArgumentException: bad port\n\tat Main.main(Main.java:3)\n"))
                .isEqualTo("java.lang.IllegalArgumentException: bad port");
        assertThat(StartFailureReason.fromText("java.net.BindException: Address already in use\n"))
                .isEqualTo("java.net.BindException: Address already in use");
    }

    @Test
    void ordinaryLinesAreNoReason() {
        assertThat(StartFailureReason.fromText("")).isNull();
        assertThat(StartFailureReason.fromText("listening on port 8080\nan Error: in prose\n"
                + "Description: of something\n")).isNull();
    }

    @Test
    void onlyTheLogsNewContentIsRead(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "java.lang.IllegalStateException: from an earlier run\n");
        long start = Files.size(log);
        assertThat(StartFailureReason.fromLog(log, start)).isNull();
        Files.writeString(log, "now\njava.lang.IllegalStateException: this run\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(StartFailureReason.fromLog(log, start))
                .isEqualTo("java.lang.IllegalStateException: this run");
        assertThat(StartFailureReason.fromLog(dir.resolve("missing.log"), 0)).isNull();
    }

    // Each framework sample's log of a port conflict (port 18999), as its daemon wrote it
    // (src/test/resources/start-failures, stack traces cut to two frames each).

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "quarkus    | ERROR [io.quarkus.runtime.Application] (main) Port 18999 seems to be in use by "
                + "another process. Quarkus may already be running or the port is used by another application.",
        "micronaut  | ERROR i.m.h.server.netty.NettyHttpServer - Unable to start server. Port *:18999 already in use.",
        "dropwizard | ERROR [2026-12-07 11:18:06,219] io.dropwizard.core.cli.ServerCommand: Unable to start "
                + "server, shutting down: java.net.BindException: Address already in use (port 18999)",
        "helidon    | SEVERE: Failed to start listener: /0.0.0.0:18999: java.net.BindException: Address already in use",
        "spring     | Web server failed to start. Port 18999 was already in use.",
        "spring4    | Web server failed to start. Port 18999 was already in use.",
        "tomcat     | java.net.BindException: Address already in use (port 18999)",
        "jetty      | java.net.BindException: Address already in use (port 18999)",
        "vertx      | java.net.BindException: Address already in use (port 18999)",
    })
    void eachFrameworksPortConflictIsNamedOnOneLine(String framework, String reason) throws IOException {
        String log = captured(framework);

        assertThat(StartFailureReason.fromText(log)).isEqualTo(reason);
        assertThat(StartFailureReason.context(log)).hasSizeLessThanOrEqualTo(StartFailureReason.CONTEXT_LINES)
                .noneMatch(line -> line.trim().startsWith("at ") || line.startsWith("! at "));
    }

    @Test
    void theFrameworkErrorLineWinsOverTheStackTraceBelowIt() throws IOException {
        // Micronaut's first ERROR line names the port; its second heads a trace, and the last
        // trace's root cause names none.
        assertThat(captured("micronaut")).contains("Caused by: java.net.BindException: Address already in use");
        assertThat(StartFailureReason.fromText(captured("micronaut"))).startsWith("ERROR ")
                .contains("Port *:18999 already in use");
    }

    @Test
    void anExceptionsReasonIsItsRootCause() {
        Exception wrapped = new IllegalStateException("wrapper", new RuntimeException("middle",
                new java.io.FileNotFoundException("/etc/app/keys.pem (No such file or directory)")));
        assertThat(StartFailureReason.of(wrapped))
                .isEqualTo("java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)");
        assertThat(StartFailureReason.of(new IllegalArgumentException("bad port")))
                .isEqualTo("java.lang.IllegalArgumentException: bad port");
    }

    @Test
    void aBindFailureGetsThePortItsChainNames() {
        // Jetty's, and the Vert.x recipe's wrapper around Netty's BindException.
        assertThat(StartFailureReason.of(new IOException("Failed to bind to 0.0.0.0/0.0.0.0:8080",
                new BindException("Address already in use"))))
                .isEqualTo("java.net.BindException: Address already in use (port 8080)");
        assertThat(StartFailureReason.of(new IOException("cannot listen on port 8443",
                new BindException("Address already in use"))))
                .isEqualTo("java.net.BindException: Address already in use (port 8443)");
        assertThat(StartFailureReason.of(new BindException("Address already in use")))
                .isEqualTo("java.net.BindException: Address already in use");
        // Not a bind failure: no port added.
        assertThat(StartFailureReason.of(new IOException("port 8080", new IOException("disk full"))))
                .isEqualTo("java.io.IOException: disk full");
    }

    @Test
    void aBindFailureWithoutPortGetsThePortTheLogNamedLast(@TempDir Path dir) throws IOException {
        // Tomcat's chain names no port; its log does ("http-nio-18999").
        Path log = dir.resolve("app.log");
        Files.writeString(log, captured("tomcat"));
        assertThat(StartFailureReason.withPortFromLog("java.net.BindException: Address already in use", log, 0))
                .isEqualTo("java.net.BindException: Address already in use (port 18999)");
        assertThat(StartFailureReason.withPortFromLog("java.lang.IllegalStateException: x", log, 0))
                .isEqualTo("java.lang.IllegalStateException: x");
        Files.writeString(log, "2026-12-07 11:18:06,219 INFO starting\n");
        assertThat(StartFailureReason.withPortFromLog("java.net.BindException: Address already in use", log, 0))
                .as("a time of day is no port").isEqualTo("java.net.BindException: Address already in use");
        // Tomcat's shutdown, logged by JUL after the failure, before the launcher reads the log.
        Files.writeString(log, captured("tomcat") + "Dec 07, 2026 6:27:05 PM org.apache.catalina.core."
                + "StandardService stopInternal\nINFO: Stopping service [Tomcat]\n");
        assertThat(StartFailureReason.withPortFromLog("java.net.BindException: Address already in use", log, 0))
                .as("JUL's time of day is no port").isEqualTo("java.net.BindException: Address already in use (port 18999)");
    }

    @Test
    void theContextIsTheLogsLastLinesWithoutFrames() {
        StringBuilder log = new StringBuilder("ERROR failed\njava.lang.IllegalStateException: x\n");
        for (int i = 0; i < 40; i++) {
            log.append("\tat a.B.c(B.java:").append(i).append(")\n");
        }
        log.append("\t... 12 more\nlast line\n");
        assertThat(StartFailureReason.context(log.toString()))
                .containsExactly("ERROR failed", "java.lang.IllegalStateException: x", "last line");
    }

    private static String captured(String framework) throws IOException {
        try (InputStream in = StartFailureReasonTest.class.getResourceAsStream(
                "/start-failures/" + framework + "-port-taken.txt")) {
            assertThat(in).as("captured log of %s", framework).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
