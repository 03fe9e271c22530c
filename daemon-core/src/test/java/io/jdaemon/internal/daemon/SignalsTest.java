package io.jdaemon.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdaemon.DaemonOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reloads run one at a time on one thread, and a request made during a reload gets a reload of
 * its own after it; the thread's name, as the kernel shows it in /proc, says how far they got.
 */
class SignalsTest {

    @Test
    void reloadsAreSerialisedAndNoneIsLost() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Signals.onReload(() -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            if (runs.incrementAndGet() == 1) {
                firstStarted.countDown();
                awaitQuietly(release);
            }
            running.decrementAndGet();
        });
        Signals.install(DaemonOptions.Sighup.RELOAD, null, null);
        long pid = ProcessHandle.current().pid();
        // the thread names itself as it starts
        long deadline = System.nanoTime() + 30_000_000_000L;
        ReloadState.State before;
        while ((before = ReloadState.of(pid)) == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(before).isEqualTo(new ReloadState.State(0, 0, ReloadState.Result.DONE));

        Signals.requestReload();
        assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
        Signals.requestReload(); // during the first reload: both share the second
        Signals.requestReload();
        release.countDown();

        ReloadState.State after = ReloadState.awaitAfter(pid, new ReloadState.State(2, 2,
                ReloadState.Result.DONE), java.time.Duration.ofSeconds(30));
        assertThat(after).isEqualTo(new ReloadState.State(3, 3, ReloadState.Result.DONE));
        assertThat(runs.get()).isEqualTo(2);
        assertThat(mostAtOnce.get()).isEqualTo(1);
        assertThat(before.completedAfter(before)).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
