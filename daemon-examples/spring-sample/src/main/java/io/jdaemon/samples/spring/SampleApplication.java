package io.jdaemon.samples.spring;

import io.jdaemon.Daemon;
import io.jdaemon.DaemonOptions;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web service with jdaemon's recipe: {@code explicitReady(true)} in {@code main},
 * and {@link Daemon#ready()} once Spring has published {@link ApplicationReadyEvent} (the web
 * server is listening). {@code GET /health} answers {@code ok}.
 *
 * <p>{@code --sample.stop-marker=PATH} makes its {@code @PreDestroy} write PATH, so a test sees
 * that Spring's graceful shutdown ran on {@code --daemon=stop}. {@code --sample.inherit-channel=true}
 * is the recipe for {@code --listen}: Tomcat's connector serves the socket the daemon inherited
 * ({@code useInheritedChannel}), so a {@code --daemon=restart} hands it over; on SIGTERM jdaemon
 * stops accepting on it before Spring's graceful shutdown begins.
 */
@SpringBootApplication
@RestController
public class SampleApplication {

    @Value("${sample.stop-marker:}")
    private String stopMarker;

    public static void main(String[] args) {
        args = Daemon.detachIfRequested(args, DaemonOptions.builder().explicitReady(true).build());
        Daemon.onReload(() -> System.out.println("spring-sample reloaded"));
        SpringApplication.run(SampleApplication.class, args);
    }

    /** Spring serves: now {@code --daemon} may return 0. */
    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
        Daemon.ready();
    }

    /** Tomcat accepts on the daemon's inherited listening socket instead of binding its own. */
    @Bean
    @ConditionalOnProperty("sample.inherit-channel")
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> inheritedChannel() {
        return factory -> factory.addConnectorCustomizers(
                connector -> connector.setProperty("useInheritedChannel", "true"));
    }

    @GetMapping("/health")
    public String health() {
        return "ok";
    }

    /** Runs in Spring's shutdown hook, after the web server stopped taking requests. */
    @PreDestroy
    public void stopped() throws IOException {
        if (!stopMarker.isEmpty()) {
            Files.writeString(Path.of(stopMarker), "graceful shutdown ran\n");
        }
    }
}
