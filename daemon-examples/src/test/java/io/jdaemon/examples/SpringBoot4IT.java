package io.jdaemon.examples;

/**
 * {@link SpringBootIT} on Spring Boot 4.0 ({@code daemon-examples/spring4-sample}: the same code
 * as spring-sample, on Boot 4's parent). Boot 4 has no launch script: {@code --daemon} is what
 * gives its jar {@code start|stop|status|restart} that tell the truth.
 */
class SpringBoot4IT extends SpringBootIT {

    @Override
    String sampleName() {
        return "spring4-sample";
    }
}
