"""The command line run.sh calls: options, the sections in order, the results files, and the
cleanup of every process started, also on Ctrl-C."""

import argparse
import atexit
import json
import os
import signal
import time

from . import (big_heap, consecutive, control, first_use, footprint, ready, report, restart,
               scale, services, split)
from .context import Bench
from .stats import loadavg


def run_all(bench):
    t_start = time.monotonic()
    sections = bench.args.sections
    load = bench.results["load"] = {}

    def timed(name, fn):
        before = loadavg()
        t = time.monotonic()
        fn()
        load[name] = dict(start=before, end=loadavg(), seconds=time.monotonic() - t)

    if not sections <= {"services", "restart"}:  # the baselines of every other section
        timed("ready", lambda: ready.run(bench))
    if "split" in sections:
        bench.results["helper_alone"] = split.helper_alone(bench)
        timed("split", lambda: split.run(bench))
    if "control" in sections:
        timed("control", lambda: control.run(bench))
    if "footprint" in sections:
        timed("footprint", lambda: footprint.run(bench))
    if "scale" in sections:
        timed("scale", lambda: scale.run(bench))
    if "consecutive" in sections:
        timed("consecutive", lambda: consecutive.run(bench))
    if "firstuse" in sections:
        timed("firstuse", lambda: first_use.run(bench))
    if "bigheap" in sections:
        timed("bigheap", lambda: big_heap.run(bench))
    if "services" in sections:
        timed("services", lambda: services.run(bench))
    if "restart" in sections:
        timed("restart", lambda: restart.run(bench))
    text = report.assemble(bench)
    text += "\nWhole run: %.0f s.\n" % (time.monotonic() - t_start)
    return text


def main(description=__doc__):
    """Runs the benchmark as run.sh asks (see bench.py --help); returns the exit status, 0."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--jar", required=True, help="daemon-examples.jar")
    ap.add_argument("--peers-jar", help="the bench/peers jar (jsvc, akuma, empty main)")
    ap.add_argument("--peers-lib", help="its dependency directory (commons-daemon, akuma, jna)")
    ap.add_argument("--work", required=True, help="temporary work directory")
    ap.add_argument("--out", required=True, help="Markdown results file")
    ap.add_argument("--commit", default="(unknown commit)")
    ap.add_argument("--runs", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--split-runs", type=int, default=10)
    ap.add_argument("--footprint-runs", type=int, default=5)
    ap.add_argument("--scale", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 50])
    ap.add_argument("--scale-reps", type=int, default=3)
    ap.add_argument("--consecutive", type=int, default=100)
    ap.add_argument("--sections", type=lambda s: set(s.split(",")),
                    default={"split", "control", "footprint", "scale", "consecutive", "firstuse",
                             "bigheap"},
                    help="comma-separated subset of split,control,footprint,scale,consecutive,"
                         "firstuse,bigheap,restart,services (time to ready always runs, except "
                         "for services and restart alone; restart and services only when named)")
    ap.add_argument("--restarts", type=int, default=10, help="restart: restarts per way")
    ap.add_argument("--restart-clients", type=int, default=4, help="restart: load clients")
    ap.add_argument("--spring-jar", help="restart: the Spring Boot sample's jar (spring-sample.jar "
                    "of a sample build); without it only the example runs")
    ap.add_argument("--first-use-runs", type=int, default=5)
    ap.add_argument("--big-heap-runs", type=int, default=3)
    ap.add_argument("--variants", type=lambda s: set(s.split(",")),
                    help="time to ready: only these variants (and the foreground baseline), of "
                         "jdaemon,nohup,setsid,daemonize,start-stop-daemon,jsvc,akuma,minimal")
    ap.add_argument("--alt-jar", type=lambda s: [os.path.abspath(x) for x in s.split(",")],
                    help="time to ready: also run --daemon from these builds of the example jar "
                         "(comma-separated; variants jdaemon-alt, jdaemon-alt2, ...), interleaved "
                         "with the others: an A/B comparison")
    ap.add_argument("--jdk", type=lambda s: s.split(","),
                    help="time to ready on these JDKs, interleaved (comma-separated JAVA_HOMEs or "
                         "java executables; default: java on PATH). The first runs every section; "
                         "the others add the variants NAME@VERSION to section 1")
    ap.add_argument("--cds", action="store_true",
                    help="time to ready: also the foreground and ours with an archive trained by a "
                         "foreground run (JDK 25+: AOT cache; older: dynamic AppCDS), per JDK")
    ap.add_argument("--samples-dir", help="where the framework samples were built (services)")
    ap.add_argument("--services-runs", type=int, default=5)
    ap.add_argument("--service-timeout", type=float, default=120.0,
                    help="services: a start not serving by then counts as failed")
    ap.add_argument("--start-timeout", type=float, default=60.0)
    ap.add_argument("--ready-timeout", type=float, default=15.0,
                    help="section 1: a start not ready by then counts as failed (hung)")
    args = ap.parse_args()
    args.session = os.environ.get("JDAEMON_BENCH_SESSION") or "jdbench-%d" % os.getpid()
    os.chdir(args.work)
    # Descriptors this harness inherited (from a terminal, CI, an IDE) must not reach the
    # services it starts, or the foreground's count of open files would include them.
    for fd in os.listdir("/proc/self/fd"):
        if int(fd) > 2:
            try:
                os.set_inheritable(int(fd), False)
            except OSError:
                pass
    bench = Bench(args)
    atexit.register(bench.session.end_all)

    def on_signal(signum, frame):
        bench.say("bench: interrupted, ending the processes it started")
        bench.session.end_all()
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    text = run_all(bench)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    raw = dict(bench.results)
    sp = raw.get("split")
    if sp:  # the per-class event lists are large; keep the markers only
        raw["split"] = {k: [dict(markers=r["markers"]) for r in v] for k, v in sp.items()}
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(raw, f, indent=1, default=str)
    print(text)
    return 0
