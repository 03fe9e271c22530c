package io.jdaemon.samples.quarkus;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes {@code sample.stop-marker} (when set) on Quarkus's {@link ShutdownEvent}, which its
 * shutdown hook fires on SIGTERM: shows that Quarkus's graceful stop ran.
 */
@ApplicationScoped
public class Stopped {

    @ConfigProperty(name = "sample.stop-marker")
    Optional<String> stopMarker;

    void onStop(@Observes ShutdownEvent event) throws IOException {
        if (stopMarker.isPresent()) {
            Files.writeString(Path.of(stopMarker.get()), "quarkus stopped\n", StandardCharsets.UTF_8);
        }
    }
}
