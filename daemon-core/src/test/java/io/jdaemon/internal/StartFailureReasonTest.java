package io.jdaemon.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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
    void otherwiseTheRootCauseOfTheLastStackTrace() {
        String log = String.join("\n",
                "ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed",
                "org.springframework.beans.factory.BeanCreationException: Error creating bean 'x'",
                "\tat org.springframework.Foo.bar(Foo.java:1)",
                "Caused by: java.lang.IllegalStateException: wrapper",
                "\t... 12 more",
                "Caused by: java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)",
                "\tat java.base/java.io.FileInputStream.open0(Native Method)",
                "\t... 20 more");
        assertThat(StartFailureReason.fromText(log))
                .isEqualTo("java.io.FileNotFoundException: /etc/app/keys.pem (No such file or directory)");
    }

    @Test
    void otherwiseTheLastLineNamingAnException() {
        assertThat(StartFailureReason.fromText("starting\nException in thread \"main\" "
                + "java.lang.IllegalArgumentException: bad port\n\tat Main.main(Main.java:3)\n"))
                .isEqualTo("Exception in thread \"main\" java.lang.IllegalArgumentException: bad port");
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
}
