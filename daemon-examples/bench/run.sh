#!/usr/bin/env bash
# Start-up, control, footprint and scale benchmark of jdaemon against the foreground and its
# peers (nohup, setsid, daemonize, start-stop-daemon, jsvc, akuma). See docs/BENCHMARKS.md.
#
#   daemon-examples/bench/run.sh [--no-build] [--quick] [--keep] [bench.py options...]
#
#   --no-build  use the jars already built (daemon-examples/target/daemon-examples.jar and
#               daemon-examples/bench/peers/target) instead of building them
#   --quick     a smoke run with few repetitions (numbers not for publishing)
#   --keep      keep the temporary work directory (logs, -Xlog class-load files)
#   anything else is passed to bench.py, e.g. --runs 15, or
#   --jdk /usr/lib/jvm/java-17-openjdk-amd64,/usr/lib/jvm/temurin-25-jdk-amd64 (sections 1 and 10 on
#   both JDKs, interleaved; the first runs the other sections), or --sections services (the
#   Spring Boot and Quarkus samples alone, built into bench/target/samples first)
#
# Writes daemon-examples/bench/target/results.md (and results.json) and prints the tables.
# Needs java (17+), mvn, python3. Run as root, it installs the Debian packages jsvc and
# daemonize with apt-get if they are missing; otherwise peers that are missing are skipped,
# with the reason in the results. Only 127.0.0.1 is used; every process it starts is ended
# when it finishes or is interrupted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=1
keep=0
services=0
extra=()
for arg in "$@"; do
    [[ $arg == *services* ]] && services=1
    case "$arg" in
        --no-build) build=0 ;;
        --keep) keep=1 ;;
        --quick) extra+=(--runs 3 --warmup 1 --split-runs 2 --footprint-runs 2 --big-heap-runs 1 --scale 1,5
                         --scale-reps 1 --consecutive 10 --services-runs 1) ;;
        -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) extra+=("$arg") ;;
    esac
done

say() { echo "bench: $*" >&2; }

for tool in java python3; do
    command -v "$tool" >/dev/null || { say "$tool not found on PATH"; exit 1; }
done

missing=()
for tool in jsvc daemonize; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "running as root: installing the Debian packages ${missing[*]} with apt-get"
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
               && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }; then
            say "apt-get could not install ${missing[*]}: those peers will be skipped"
        fi
    else
        say "${missing[*]} not installed and not root (or no apt-get): those peers will be skipped"
    fi
fi

if ((build)); then
    command -v mvn >/dev/null || { say "mvn not found on PATH (or use --no-build)"; exit 1; }
    # package, not install: the peers do not depend on jdaemon, and ~/.m2 stays untouched.
    say "building jdaemon (mvn -B -q package -DskipTests)"
    (cd "$root" && mvn -B -q package -DskipTests)
    say "building the peer services (daemon-examples/bench/peers)"
    if ! mvn -B -q -f "$here/peers/pom.xml" package; then
        say "the peer services did not build: jsvc and akuma will be skipped"
    fi
fi

samples="$here/target/samples"
if ((build && services)); then
    # The real-services section: the Spring Boot and Quarkus samples, built as SampleBuild
    # builds them (against this build's jars, nothing installed) into bench/target/samples.
    say "building the Spring Boot and Quarkus samples (daemon-examples/samples)"
    version=$(cd "$root" && ls daemon-core/target/daemon-core-*.jar | grep -v -e sources -e javadoc \
              | head -1 | sed 's/.*daemon-core-\(.*\)\.jar/\1/')
    # clean: a sample whose own sources did not change would keep the jdaemon it was built with.
    mvn -B -q -f "$root/daemon-examples/samples/pom.xml" clean package -pl ../spring-sample,../quarkus-sample \
        -Dsamples.build="$samples" \
        -Djdaemon.core.jar="$root/daemon-core/target/daemon-core-$version.jar" \
        -Djdaemon.native.jar="$root/daemon-native/target/daemon-native-$version.jar" \
        || say "the samples did not build: the real-services section will say so"
fi

jar="$root/daemon-examples/target/daemon-examples.jar"
[[ -f $jar ]] || { say "$jar not found: build first (or drop --no-build)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jdaemon-bench.XXXXXX")
export JDAEMON_BENCH_SESSION="jdbench-$$-$RANDOM"
bench_pid=

# Ends every process whose command line or environment carries this session's tag, by PID (a
# daemon's JVM options, the tag among them, are in an argument file its command line only names).
end_tagged() {
    local d a pids=() args envs
    for d in /proc/[0-9]*; do
        mapfile -d '' -t args 2>/dev/null <"$d/cmdline" || continue
        mapfile -d '' -t envs 2>/dev/null <"$d/environ" || envs=()
        for a in "${args[@]}" "${envs[@]}"; do
            if [[ $a == "-Djdaemon.bench.tag=$JDAEMON_BENCH_SESSION."* \
                  || $a == "JDAEMON_BENCH_TAG=$JDAEMON_BENCH_SESSION."* ]]; then
                pids+=("${d#/proc/}")
                break
            fi
        done
    done
    ((${#pids[@]})) || return 0
    kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 2
    kill -KILL "${pids[@]}" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [[ -n $bench_pid ]] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    end_tagged
    if ((keep)); then
        say "work directory kept: $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Snapshots of the jars: a rebuild during the run does not change what is measured.
mkdir -p "$work/jars"
cp "$jar" "$work/jars/daemon-examples.jar"
peer_args=()
peers_jar=$(ls "$here"/peers/target/jdaemon-bench-peers-*.jar 2>/dev/null | head -1 || true)
if [[ -n $peers_jar && -d $here/peers/target/lib ]]; then
    cp "$peers_jar" "$work/jars/peers.jar"
    cp -r "$here/peers/target/lib" "$work/jars/lib"
    peer_args=(--peers-jar "$work/jars/peers.jar" --peers-lib "$work/jars/lib")
fi

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    commit="$commit (with uncommitted changes)"
fi
# The work tree's commit says what was checked out when the run started, not what the jar was
# built from (with --no-build, or if someone rebuilt it): the snapshot's hash identifies it.
if command -v sha256sum >/dev/null; then
    commit="$commit, daemon-examples.jar sha256 $(sha256sum "$work/jars/daemon-examples.jar" | cut -c1-12)"
fi

out="$here/target/results.md"
mkdir -p "$here/target"
python3 "$here/bench.py" --jar "$work/jars/daemon-examples.jar" "${peer_args[@]}" \
    --work "$work" --out "$out" --commit "$commit" --samples-dir "$samples" "${extra[@]}" &
bench_pid=$!
wait "$bench_pid"
bench_pid=
say "results written to $out"
