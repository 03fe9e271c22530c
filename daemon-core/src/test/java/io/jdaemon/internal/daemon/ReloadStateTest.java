package io.jdaemon.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReloadStateTest {

    @Test
    void theNameFitsTheKernelsFifteenCharactersAndReadsBack() {
        String name = ReloadState.name(1_679_617, 36, 'f'); // wraps at 36^4
        assertThat(name).hasSize(15).isEqualTo("jdr-0001-0010-f");
        assertThat(ReloadState.parse(name))
                .isEqualTo(new ReloadState.State(1, 36, ReloadState.Result.LOG_NOT_REOPENED));
        assertThat(ReloadState.parse(ReloadState.INITIAL))
                .isEqualTo(new ReloadState.State(0, 0, ReloadState.Result.DONE));
    }

    @Test
    void otherNamesAreNoState() {
        for (String name : new String[] {"jdr-0001-0001-x", "jdr-0001-0001", "java", "jdr-00A1-0001-k",
                "jdr-0001_0001-k", "jdr-0001-0001-kk"}) {
            assertThat(ReloadState.parse(name)).as(name).isNull();
        }
    }

    @Test
    void onlyARunThatBeganAfterTheReadingConfirms() {
        ReloadState.State before = new ReloadState.State(5, 4, ReloadState.Result.DONE); // run 5 going on
        assertThat(new ReloadState.State(5, 5, ReloadState.Result.DONE).completedAfter(before)).isFalse();
        assertThat(new ReloadState.State(6, 5, ReloadState.Result.DONE).completedAfter(before)).isFalse();
        assertThat(new ReloadState.State(6, 6, ReloadState.Result.DONE).completedAfter(before)).isTrue();
        assertThat(new ReloadState.State(9, 8, ReloadState.Result.DONE).completedAfter(before)).isTrue();
        // across the wrap at 36^4
        ReloadState.State high = new ReloadState.State(1_679_615, 1_679_615, ReloadState.Result.DONE);
        assertThat(new ReloadState.State(0, 0, ReloadState.Result.DONE).completedAfter(high)).isTrue();
        assertThat(high.completedAfter(high)).isFalse();
    }
}
