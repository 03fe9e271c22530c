package io.jdaemon.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlagsTest {

    private static final List<String> VALUED =
            List.of("--pidfile", "--log", "--workdir", "--umask", "--sighup", "--start-timeout",
                    "--stop-timeout");

    private static Flags.Parsed parse(String... args) {
        return Flags.parse(args, DaemonOptions.defaults());
    }

    /** {@code name=value} or {@code name value}, between two service arguments. */
    private static String[] around(boolean spaced, String name, String value) {
        List<String> out = new ArrayList<>();
        out.add("first");
        if (spaced) {
            out.add(name);
            out.add(value);
        } else {
            out.add(name + "=" + value);
        }
        out.add("last");
        return out.toArray(new String[0]);
    }

    @Test
    void jvmOptionIsRepeatedAndAddedToTheProgrammaticOnes() {
        Flags.Parsed p = Flags.parse(new String[] {"a", "--jvm-option=-Xms4g", "--jvm-option",
                "-XX:+AlwaysPreTouch", "--jvm-option=--add-opens=java.base/java.lang=ALL-UNNAMED", "b"},
                DaemonOptions.builder().jvmOptions(List.of("-Dfrom.code=1")).build());
        assertThat(p.options().jvmOptions()).containsExactly("-Dfrom.code=1", "-Xms4g",
                "-XX:+AlwaysPreTouch", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        assertThat(p.serviceArgs()).containsExactly("a", "b");
        assertThat(DaemonOptions.defaults().jvmOptions()).isEmpty();
    }

    @Test
    void startupCacheIsAFlagOfTheLibrary() {
        Flags.Parsed p = Flags.parse(new String[] {"a", "--startup-cache", "b"}, DaemonOptions.defaults());
        assertThat(p.options().startupCache()).isTrue();
        assertThat(p.serviceArgs()).containsExactly("a", "b");
        assertThat(DaemonOptions.defaults().startupCache()).isFalse();
        assertThat(Flags.parse(new String[] {"a"}, DaemonOptions.builder().startupCache(true).build())
                .options().startupCache()).isTrue();
        assertThat(Flags.strip(List.of("--startup-cache", "x"))).containsExactly("x");
    }

    @Test
    void listenIsTakenOverTheProgrammaticOne() {
        Flags.Parsed p = Flags.parse(new String[] {"a", "--listen=127.0.0.1:80", "b"},
                DaemonOptions.builder().listen("8080").build());
        assertThat(p.options().listen()).isEqualTo("127.0.0.1:80");
        assertThat(p.given("--listen")).isTrue();
        assertThat(p.serviceArgs()).containsExactly("a", "b");
        assertThat(Flags.parse(new String[] {"--listen", "[::]:0"}, DaemonOptions.defaults()).options()
                .listen()).isEqualTo("[::]:0");
        assertThat(DaemonOptions.defaults().listen()).isNull();
        assertThat(Flags.strip(List.of("a", "--listen", "80", "b"))).containsExactly("a", "b");
    }

    @Test
    void listenThatIsNotAddrPortIsRefused() {
        assertThat(usageError("--listen=localhost:80").getMessage()).isEqualTo(
                "--listen=localhost:80 has no numeric IPv4 address before ':'; give a port (8080), a "
                        + "numeric IPv4 address and port (127.0.0.1:8080) or an IPv6 one in brackets "
                        + "([::1]:8080); a port is 0..65535");
        assertThat(usageError("--listen").getMessage()).isEqualTo(
                "--listen needs a value: --listen=[ADDR:]PORT");
    }

    @Test
    void jvmOptionThatIsNotOneJvmOptionIsRefused() {
        assertThat(usageError("--jvm-option=Xmx2g").getMessage())
                .isEqualTo("--jvm-option=Xmx2g is not a JVM option; give one option that starts with -, "
                        + "such as --jvm-option=-Xmx2g");
        assertThat(usageError("--jvm-option=-jar").getMessage()).startsWith(
                "--jvm-option=-jar cannot be given to the daemon alone");
        assertThat(usageError("--jvm-option=-m").getMessage()).contains("put it on the java command line");
        assertThat(usageError("--jvm-option=--add-opens").getMessage()).isEqualTo(
                "--jvm-option=--add-opens needs its value in the same argument; write "
                        + "--jvm-option=--add-opens=VALUE");
        assertThat(usageError("--jvm-option=-cp").getMessage()).endsWith("--jvm-option=--class-path=VALUE");
        assertThat(usageError("--jvm-option=-Djdaemon.launcher=x").getMessage())
                .contains("cannot be given to the daemon alone");
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> DaemonOptions.builder().jvmOptions(List.of("app.jar")))).hasMessageContaining(
                "is not a JVM option");
    }

    private static DaemonException usageError(String... args) {
        DaemonException e = catchThrowableOfType(DaemonException.class, () -> parse(args));
        assertThat(e).as("parse(%s) must fail", Arrays.toString(args)).isNotNull();
        assertThat(e.exitCode()).as("exit code of %s", e.getMessage()).isEqualTo(ExitStatus.USAGE);
        return e;
    }

    @Test
    void withoutFlagsNothingChanges() {
        Flags.Parsed p = parse("a", "-x", "--foo=bar", "", "b");
        assertThat(p.action()).isEqualTo(Flags.Action.NONE);
        assertThat(p.serviceArgs()).containsExactly("a", "-x", "--foo=bar", "", "b");
        DaemonOptions o = p.options();
        DaemonOptions d = DaemonOptions.defaults();
        assertThat(o.pidFile()).isNull();
        assertThat(o.logFile()).isEqualTo(d.logFile()).isEqualTo(Path.of("/dev/null"));
        // The launching directory, as a foreground run has it.
        assertThat(o.workDir()).isEqualTo(Path.of(System.getProperty("user.dir")));
        assertThat(o.umask()).isEqualTo(0022);
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.DEFAULT);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.stopTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(p.force()).isFalse();
    }

    @Test
    void emptyArguments() {
        Flags.Parsed p = parse();
        assertThat(p.action()).isEqualTo(Flags.Action.NONE);
        assertThat(p.serviceArgs()).isEmpty();
    }

    @Test
    void daemonFlag() {
        Flags.Parsed p = parse("a", "--daemon", "b");
        assertThat(p.action()).isEqualTo(Flags.Action.START);
        assertThat(p.serviceArgs()).containsExactly("a", "b");

        Flags.Parsed q = parse("--daemon=start", "a");
        assertThat(q.action()).isEqualTo(Flags.Action.START);
        assertThat(q.serviceArgs()).containsExactly("a");
    }

    @Test
    void controlActions() {
        assertThat(parse("--daemon=stop").action()).isEqualTo(Flags.Action.STOP);
        assertThat(parse("--daemon=restart").action()).isEqualTo(Flags.Action.RESTART);
        assertThat(parse("--daemon=status").action()).isEqualTo(Flags.Action.STATUS);
        assertThat(parse("--daemon=reload").action()).isEqualTo(Flags.Action.RELOAD);
        assertThat(parse("--daemon=unit").action()).isEqualTo(Flags.Action.UNIT);
        assertThat(parse("--daemon=stop", "--daemon=start").action()).isEqualTo(Flags.Action.START);
    }

    @Test
    void forceBelongsToTheLibraryOnlyWithStopAndRestart() {
        Flags.Parsed stop = parse("a", "--force", "--daemon=stop", "b", "--force");
        assertThat(stop.force()).isTrue();
        assertThat(stop.serviceArgs()).containsExactly("a", "b");
        Flags.Parsed restart = parse("--daemon=restart", "--force", "x");
        assertThat(restart.force()).isTrue();
        assertThat(restart.serviceArgs()).containsExactly("x");
        for (String action : new String[] {"--daemon", "--daemon=status", "--daemon=reload", "x"}) {
            Flags.Parsed other = parse(action, "--force", "y");
            assertThat(other.force()).as(action).isFalse();
            assertThat(other.serviceArgs()).as(action).contains("--force", "y");
        }
        Flags.Parsed none = parse("--daemon=stop", "z");
        assertThat(none.force()).isFalse();
        assertThat(none.serviceArgs()).containsExactly("z");
    }

    @Test
    void forceAfterTheSeparatorIsTheServices() {
        Flags.Parsed stop = parse("--daemon=stop", "--", "--force");
        assertThat(stop.force()).isFalse();
        assertThat(stop.serviceArgs()).containsExactly("--", "--force");
        Flags.Parsed both = parse("--daemon=restart", "--force", "--", "--force", "x");
        assertThat(both.force()).isTrue();
        assertThat(both.serviceArgs()).containsExactly("--", "--force", "x");
    }

    @Test
    void serviceArgsAreAFreshCopy() {
        Flags.Parsed p = parse("a", "b");
        String[] first = p.serviceArgs();
        first[0] = "changed";
        assertThat(p.serviceArgs()).containsExactly("a", "b");
    }

    @ParameterizedTest(name = "spaced={0}")
    @ValueSource(booleans = {false, true})
    void pidfile(boolean spaced) {
        Flags.Parsed p = parse(around(spaced, "--pidfile", "/var/run/svc.pid"));
        assertThat(p.options().pidFile()).isEqualTo(Path.of("/var/run/svc.pid"));
        assertThat(p.serviceArgs()).containsExactly("first", "last");
        assertThat(p.action()).isEqualTo(Flags.Action.NONE);
    }

    @ParameterizedTest(name = "spaced={0}")
    @ValueSource(booleans = {false, true})
    void log(boolean spaced) {
        Flags.Parsed p = parse(around(spaced, "--log", "/var/log/svc.log"));
        assertThat(p.options().logFile()).isEqualTo(Path.of("/var/log/svc.log"));
        assertThat(p.serviceArgs()).containsExactly("first", "last");
    }

    @ParameterizedTest(name = "spaced={0}")
    @ValueSource(booleans = {false, true})
    void workdir(boolean spaced) {
        Flags.Parsed p = parse(around(spaced, "--workdir", "/srv/svc"));
        assertThat(p.options().workDir()).isEqualTo(Path.of("/srv/svc"));
        assertThat(p.serviceArgs()).containsExactly("first", "last");
    }

    static Stream<Arguments> umasks() {
        return Stream.of(Arguments.of("027", 0027), Arguments.of("0027", 0027), Arguments.of("0", 0),
                Arguments.of("7", 07), Arguments.of("777", 0777), Arguments.of("0777", 0777),
                Arguments.of("077", 0077), Arguments.of("22", 0022));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("umasks")
    void umask(String value, int expected) {
        for (boolean spaced : new boolean[] {false, true}) {
            Flags.Parsed p = parse(around(spaced, "--umask", value));
            assertThat(p.options().umask()).as("--umask %s spaced=%s", value, spaced).isEqualTo(expected);
            assertThat(p.serviceArgs()).containsExactly("first", "last");
        }
    }

    @ParameterizedTest(name = "spaced={0}")
    @ValueSource(booleans = {false, true})
    void sighup(boolean spaced) {
        assertThat(parse(around(spaced, "--sighup", "ignore")).options().sighup())
                .isEqualTo(DaemonOptions.Sighup.IGNORE);
        assertThat(parse(around(spaced, "--sighup", "IGNORE")).options().sighup())
                .isEqualTo(DaemonOptions.Sighup.IGNORE);
        assertThat(parse(around(spaced, "--sighup", "reload")).options().sighup())
                .isEqualTo(DaemonOptions.Sighup.RELOAD);
        Flags.Parsed p = Flags.parse(around(spaced, "--sighup", "default"),
                DaemonOptions.builder().sighup(DaemonOptions.Sighup.IGNORE).build());
        assertThat(p.options().sighup()).isEqualTo(DaemonOptions.Sighup.DEFAULT);
        assertThat(p.serviceArgs()).containsExactly("first", "last");
    }

    @ParameterizedTest(name = "spaced={0}")
    @ValueSource(booleans = {false, true})
    void startTimeout(boolean spaced) {
        Flags.Parsed p = parse(around(spaced, "--start-timeout", "5"));
        assertThat(p.options().startTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.serviceArgs()).containsExactly("first", "last");
        assertThat(parse("--start-timeout=999999999").options().startTimeout())
                .isEqualTo(Duration.ofSeconds(999_999_999L));
    }

    @ParameterizedTest(name = "spaced={0}")
    @ValueSource(booleans = {false, true})
    void stopTimeout(boolean spaced) {
        Flags.Parsed p = parse(around(spaced, "--stop-timeout", "12"));
        assertThat(p.options().stopTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(p.options().startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.serviceArgs()).containsExactly("first", "last");
    }

    @Test
    void allFlagsTogetherKeepServiceArgsInOrder() {
        Flags.Parsed p = parse("s1", "--pidfile", "/run/a.pid", "s2", "--daemon", "-v",
                "--log=/l/a.log", "--workdir", "/w", "s3", "--umask=027", "--sighup", "ignore",
                "--start-timeout=7", "--foo=bar", "s4");
        assertThat(p.action()).isEqualTo(Flags.Action.START);
        assertThat(p.serviceArgs()).containsExactly("s1", "s2", "-v", "s3", "--foo=bar", "s4");
        DaemonOptions o = p.options();
        assertThat(o.pidFile()).isEqualTo(Path.of("/run/a.pid"));
        assertThat(o.logFile()).isEqualTo(Path.of("/l/a.log"));
        assertThat(o.workDir()).isEqualTo(Path.of("/w"));
        assertThat(o.umask()).isEqualTo(0027);
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.IGNORE);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void spacedValueMayStartWithASingleDash() {
        Flags.Parsed p = parse("--log", "-weird.log", "x");
        assertThat(p.options().logFile()).isEqualTo(Path.of("-weird.log").toAbsolutePath());
        assertThat(p.serviceArgs()).containsExactly("x");
    }

    @Test
    void doubleDashStopsScanningAndStays() {
        Flags.Parsed p = parse("a", "--pidfile=/x.pid", "--", "--daemon", "--pidfile=/y.pid",
                "--umask", "077", "--", "b");
        assertThat(p.action()).isEqualTo(Flags.Action.NONE);
        assertThat(p.options().pidFile()).isEqualTo(Path.of("/x.pid"));
        assertThat(p.options().umask()).isEqualTo(0022);
        assertThat(p.serviceArgs())
                .containsExactly("a", "--", "--daemon", "--pidfile=/y.pid", "--umask", "077", "--", "b");
    }

    @Test
    void doubleDashAloneAndAtTheEnd() {
        assertThat(parse("--").serviceArgs()).containsExactly("--");
        Flags.Parsed p = parse("--daemon", "--");
        assertThat(p.action()).isEqualTo(Flags.Action.START);
        assertThat(p.serviceArgs()).containsExactly("--");
    }

    @Test
    void repeatedFlagsLastWins() {
        Flags.Parsed p = parse("--umask=027", "--pidfile=/a.pid", "--umask", "077", "--pidfile",
                "/b.pid", "--sighup=ignore", "--sighup=default", "--start-timeout=3",
                "--start-timeout", "4", "--log=/1.log", "--log=/2.log", "--workdir=/w1",
                "--workdir", "/w2", "--daemon", "--daemon=start");
        DaemonOptions o = p.options();
        assertThat(o.umask()).isEqualTo(0077);
        assertThat(o.pidFile()).isEqualTo(Path.of("/b.pid"));
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.DEFAULT);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(o.logFile()).isEqualTo(Path.of("/2.log"));
        assertThat(o.workDir()).isEqualTo(Path.of("/w2"));
        assertThat(p.action()).isEqualTo(Flags.Action.START);
        assertThat(p.serviceArgs()).isEmpty();
    }

    private static DaemonOptions customDefaults() {
        return DaemonOptions.builder().name("svc").pidFile(Path.of("/d/d.pid"))
                .logFile(Path.of("/d/d.log")).workDir(Path.of("/d")).umask(0077)
                .sighup(DaemonOptions.Sighup.IGNORE).startTimeout(Duration.ofSeconds(9))
                .explicitReady(true).build();
    }

    @Test
    void programmaticDefaultsKeptWithoutFlags() {
        Flags.Parsed p = Flags.parse(new String[] {"x", "--daemon"}, customDefaults());
        DaemonOptions o = p.options();
        assertThat(o.name()).isEqualTo("svc");
        assertThat(o.pidFile()).isEqualTo(Path.of("/d/d.pid"));
        assertThat(o.logFile()).isEqualTo(Path.of("/d/d.log"));
        assertThat(o.workDir()).isEqualTo(Path.of("/d"));
        assertThat(o.umask()).isEqualTo(0077);
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.IGNORE);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(o.explicitReady()).isTrue();
        assertThat(p.serviceArgs()).containsExactly("x");
    }

    @Test
    void flagsOverrideProgrammaticDefaults() {
        Flags.Parsed p = Flags.parse(new String[] {"--pidfile=/f/f.pid", "--log", "/f/f.log",
            "--workdir=/f", "--umask=002", "--sighup=default", "--start-timeout=11"}, customDefaults());
        DaemonOptions o = p.options();
        assertThat(o.pidFile()).isEqualTo(Path.of("/f/f.pid"));
        assertThat(o.logFile()).isEqualTo(Path.of("/f/f.log"));
        assertThat(o.workDir()).isEqualTo(Path.of("/f"));
        assertThat(o.umask()).isEqualTo(0002);
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.DEFAULT);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(11));
        // settings without a flag stay as given in code
        assertThat(o.name()).isEqualTo("svc");
        assertThat(o.explicitReady()).isTrue();
    }

    @Test
    void someFlagsOverrideOthersStay() {
        DaemonOptions o = Flags.parse(new String[] {"--umask", "0"}, customDefaults()).options();
        assertThat(o.umask()).isZero();
        assertThat(o.pidFile()).isEqualTo(Path.of("/d/d.pid"));
        assertThat(o.sighup()).isEqualTo(DaemonOptions.Sighup.IGNORE);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void relativePathsBecomeAbsolute() {
        Path cwd = Path.of("").toAbsolutePath();
        DaemonOptions o = parse("--pidfile=run/svc.pid", "--log", "logs/../out.log", "--workdir=.")
                .options();
        assertThat(o.pidFile()).isAbsolute().isEqualTo(cwd.resolve("run/svc.pid").normalize());
        assertThat(o.logFile()).isAbsolute().isEqualTo(cwd.resolve("out.log").normalize());
        assertThat(o.workDir()).isAbsolute().isEqualTo(cwd.normalize());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuedFlags")
    void missingValueAtTheEnd(String flag) {
        DaemonException e = usageError("a", flag);
        assertThat(e.getMessage()).contains(flag).contains("needs a value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuedFlags")
    void emptyValue(String flag) {
        assertThat(usageError(flag + "=").getMessage()).contains(flag);
        assertThat(usageError(flag, "", "x").getMessage()).contains(flag);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuedFlags")
    void spacedValueStartingWithDoubleDash(String flag) {
        assertThat(usageError(flag, "--daemon").getMessage()).contains(flag);
        assertThat(usageError(flag, "--").getMessage()).contains(flag);
        assertThat(usageError(flag, "--other-thing", "x").getMessage()).contains(flag);
    }

    static Stream<String> valuedFlags() {
        return VALUED.stream();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"999", "abc", "0778", "8", "1000", "00777", "-1", "0x1f", " 022", "022 ", "+22"})
    void badUmask(String value) {
        DaemonException e = usageError("--umask=" + value);
        assertThat(e.getMessage()).contains("--umask=" + value);
        assertThat(usageError("--umask", value).getMessage()).contains("--umask=" + value);
    }

    @Test
    void badSighup() {
        assertThat(usageError("--sighup=bogus").getMessage()).contains("--sighup=bogus");
        assertThat(usageError("--sighup", "hup").getMessage()).contains("--sighup=hup");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "x", "00", "-5", "1.5", "1000000000", "5s", " 5"})
    void badStartAndStopTimeout(String value) {
        assertThat(usageError("--start-timeout=" + value).getMessage())
                .contains("--start-timeout=" + value);
        assertThat(usageError("--stop-timeout", value).getMessage()).contains("--stop-timeout=" + value);
    }

    @Test
    void unknownDaemonAction() {
        DaemonException e = usageError("--daemon=bogus");
        assertThat(e.getMessage()).contains("--daemon=bogus");
        assertThat(usageError("--daemon=").getMessage()).contains("--daemon=");
        assertThat(usageError("--daemon=stopp").getMessage()).contains("--daemon=stopp");
    }

    @Test
    void pathWithNulOrNewlineIsRefused() {
        assertThat(usageError("--pidfile=a\0b").getMessage()).contains("--pidfile");
        assertThat(usageError("--log", "a\nb").getMessage()).contains("--log");
    }

    @Test
    void userAndKeptCapabilitiesAreTakenAndStripped() {
        Flags.Parsed p = parse("a", "--user=svc:web", "--keep-caps", "CAP_NET_BIND_SERVICE,net_raw", "b");
        assertThat(p.options().user()).isEqualTo("svc:web");
        assertThat(p.options().keepCaps()).containsExactly("net_bind_service", "net_raw");
        assertThat(p.serviceArgs()).containsExactly("a", "b");
        assertThat(parse().options().user()).isNull();
        assertThat(parse().options().keepCaps()).isEmpty();
    }

    @Test
    void theBuilderKeepsCapabilitiesOnlyWithAUser() {
        DaemonOptions.Builder b = DaemonOptions.builder().keepCaps(List.of("net_bind_service"));
        assertThat(catchThrowableOfType(IllegalStateException.class, b::build)).isNotNull();
        assertThat(b.user("svc").build().keepCaps()).containsExactly("net_bind_service");
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> DaemonOptions.builder().keepCaps(List.of("setuid")))).isNotNull();
    }

    @Test
    void keptCapabilitiesNeedAUserAndKnownNames() {
        assertThat(usageError("--keep-caps=net_bind_service").getMessage())
                .isEqualTo("--keep-caps needs --user: capabilities are kept only when the daemon runs "
                        + "as another user (a root daemon has them all)");
        assertThat(usageError("--user=svc", "--keep-caps=net_bind").getMessage())
                .startsWith("--keep-caps: unknown capability net_bind;");
        assertThat(usageError("--user=svc", "--keep-caps=setuid").getMessage())
                .contains("become root again");
        assertThat(usageError("--user").getMessage())
                .isEqualTo("--user needs a value: --user=USER[:GROUP]");
    }

    /**
     * Random mixes of valid library flags and service arguments: parsing never fails, the
     * service arguments come out in their order, and the last value of each flag wins.
     */
    @Test
    void randomMixesKeepServiceArgsInOrder() {
        long seed = 0x5EEDF1A6L;
        Random random = new Random(seed);
        Path cwd = Path.of("").toAbsolutePath();
        for (int n = 0; n < 5000; n++) {
            List<String> args = new ArrayList<>();
            List<String> service = new ArrayList<>();
            DaemonOptions.Builder expected = DaemonOptions.builder();
            boolean daemon = false;
            int count = random.nextInt(12);
            for (int k = 0; k < count; k++) {
                if (random.nextInt(3) == 0) {
                    String arg = serviceArg(random);
                    args.add(arg);
                    service.add(arg);
                    continue;
                }
                int which = random.nextInt(VALUED.size() + 1);
                if (which == VALUED.size()) {
                    args.add(random.nextBoolean() ? "--daemon" : "--daemon=start");
                    daemon = true;
                    continue;
                }
                String flag = VALUED.get(which);
                String value;
                switch (flag) {
                    case "--umask": {
                        int mask = random.nextInt(01000);
                        value = (random.nextBoolean() ? "0" : "") + Integer.toOctalString(mask);
                        expected.umask(mask);
                        break;
                    }
                    case "--sighup": {
                        boolean ignore = random.nextBoolean();
                        value = ignore ? (random.nextBoolean() ? "ignore" : "IGNORE")
                                : (random.nextBoolean() ? "default" : "Default");
                        expected.sighup(ignore ? DaemonOptions.Sighup.IGNORE : DaemonOptions.Sighup.DEFAULT);
                        break;
                    }
                    case "--start-timeout": {
                        int seconds = 1 + random.nextInt(999_999_999);
                        value = Integer.toString(seconds);
                        expected.startTimeout(Duration.ofSeconds(seconds));
                        break;
                    }
                    case "--stop-timeout": {
                        int seconds = 1 + random.nextInt(1000);
                        value = Integer.toString(seconds);
                        expected.stopTimeout(Duration.ofSeconds(seconds));
                        break;
                    }
                    default: {
                        value = randomPath(random);
                        Path path = cwd.resolve(value);
                        if (flag.equals("--pidfile")) {
                            expected.pidFile(path);
                        } else if (flag.equals("--log")) {
                            expected.logFile(path);
                        } else {
                            expected.workDir(path);
                        }
                    }
                }
                if (random.nextBoolean()) {
                    args.add(flag + "=" + value);
                } else {
                    args.add(flag);
                    args.add(value);
                }
            }
            String what = "seed=" + seed + " case=" + n + " args=" + args;
            Flags.Parsed p;
            try {
                p = Flags.parse(args.toArray(new String[0]), DaemonOptions.defaults());
            } catch (RuntimeException e) {
                throw new AssertionError(what + " threw " + e, e);
            }
            assertThat(p.serviceArgs()).as(what).containsExactlyElementsOf(service);
            assertThat(p.action()).as(what).isEqualTo(daemon ? Flags.Action.START : Flags.Action.NONE);
            DaemonOptions want = expected.build();
            DaemonOptions got = p.options();
            assertThat(got.pidFile()).as(what).isEqualTo(want.pidFile());
            assertThat(got.logFile()).as(what).isEqualTo(want.logFile());
            assertThat(got.workDir()).as(what).isEqualTo(want.workDir());
            assertThat(got.umask()).as(what).isEqualTo(want.umask());
            assertThat(got.sighup()).as(what).isEqualTo(want.sighup());
            assertThat(got.startTimeout()).as(what).isEqualTo(want.startTimeout());
            assertThat(got.stopTimeout()).as(what).isEqualTo(want.stopTimeout());
        }
    }

    private static final String[] TRICKY = {"", "-x", "--foo=bar", "--foo", "-", "---", "=",
        "--=x", "--daemonx", "--daemon-start", "-daemon", "--DAEMON", "--pidfilex", "--pidfile-x=1",
        "-pidfile", "--PIDFILE=/x", "--umask2", "--log2=a", "--start-timeout-x", "daemon", "--sighup_",
        " --daemon", "--daemon ", "pidfile=/x", "@argfile", "-Dx=y", "--workdirs", "\u00e9t\u00e9",
        "--force", "--stop-timeoutx", "\uD83D\uDE00", "\u0000", "a\nb", "\t"};

    private static String serviceArg(Random random) {
        while (true) {
            String s;
            if (random.nextBoolean()) {
                s = TRICKY[random.nextInt(TRICKY.length)];
            } else {
                StringBuilder b = new StringBuilder();
                if (random.nextInt(3) == 0) {
                    b.append(random.nextBoolean() ? "--" : "-");
                }
                int len = random.nextInt(8);
                for (int i = 0; i < len; i++) {
                    switch (random.nextInt(5)) {
                        case 0:
                            b.append((char) ('a' + random.nextInt(26)));
                            break;
                        case 1:
                            b.append("-=/. ".charAt(random.nextInt(5)));
                            break;
                        case 2:
                            b.appendCodePoint(0x80 + random.nextInt(0x2000));
                            break;
                        case 3:
                            b.appendCodePoint(0x1F300 + random.nextInt(0x300));
                            break;
                        default:
                            b.append(VALUED.get(random.nextInt(VALUED.size())).substring(2));
                    }
                }
                s = b.toString();
            }
            if (!isLibraryFlag(s)) {
                return s;
            }
        }
    }

    private static boolean isLibraryFlag(String s) {
        if (s.equals("--") || s.equals("--daemon") || s.startsWith("--daemon=")) {
            return true;
        }
        int eq = s.indexOf('=');
        return VALUED.contains(eq < 0 ? s : s.substring(0, eq));
    }

    private static String randomPath(Random random) {
        StringBuilder b = new StringBuilder();
        if (random.nextBoolean()) {
            b.append('/');
        }
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            if (i > 0) {
                b.append('/');
            }
            int len = 1 + random.nextInt(6);
            for (int k = 0; k < len; k++) {
                b.append("abcxyz019_.-".charAt(random.nextInt(12)));
            }
        }
        String s = b.toString();
        return s.startsWith("-") ? "p" + s : s;
    }
}
