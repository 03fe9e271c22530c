"""The results page: the environment, then every section's tables in order, then the targets."""

import os
import platform
import subprocess
import time

from . import (big_heap, consecutive, control, first_use, footprint, ready, restart, scale,
               services, split, targets)
from .stats import fmt


def environment(bench):
    def cmd(argv):
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return done.stdout + done.stderr
        except (OSError, subprocess.SubprocessError):
            return ""
    java = cmd([bench.java_real, "-version"]).strip().splitlines()
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    os_name = ""
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    pkgs = {}
    for pkg in ("jsvc", "daemonize", "dpkg", "util-linux"):
        v = cmd(["dpkg-query", "-W", "-f=${Version}", pkg]).strip()
        if v and "no packages" not in v:
            pkgs[pkg] = v
    try:
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "?"
    return dict(os=os_name, kernel=platform.release(), cpu=cpu, cores=os.cpu_count(),
                load_start=bench.load_start, load_end=load,
                java=java[1] if len(java) > 1 else " ".join(java), packages=pkgs,
                commit=bench.args.commit, date=time.strftime("%Y-%m-%d %H:%M %Z"))


def assemble(bench):
    out = []
    w = out.append
    env = environment(bench)
    bench.results["environment"] = env
    w("## Results")
    w("")
    w("Run of %s on %s, kernel %s, %s, %d cores; %s; jdaemon %s. Medians of %d runs after %d "
      "warm-up round(s); min–max in the next column; × is the ratio to the foreground "
      "baseline's median." % (env["date"], env["os"], env["kernel"], env["cpu"], env["cores"],
                              env["java"], env["commit"],
                              bench.args.runs if "ready" in bench.results else
                              bench.args.services_runs,
                              bench.args.warmup if "ready" in bench.results else 1))
    w("Load average (1, 5, 15 min) at the start: %s; at the end: %s (other work on the "
      "machine shows here and widens the min–max). 1-minute load at the start → end of each "
      "section: %s." % (env["load_start"], env["load_end"], ", ".join(
          "%s %s → %s (%.0f s)" % (k, fmt(v["start"], 1), fmt(v["end"], 1), v["seconds"])
          for k, v in bench.results.get("load", {}).items())))
    if len(bench.jdks) > 1:
        w("JDKs, interleaved in sections 1 and 10 (the first also runs every other section): " + "; ".join(
            "JDK %s `%s` (%s)" % (j[0], j[1], j[3]) for j in bench.jdks) + ".")
    if env["packages"]:
        w("Peers: " + ", ".join("%s %s" % kv for kv in sorted(env["packages"].items())) + ".")
    w("")
    if "ready" in bench.results:
        ready.report(bench, w)
    split.report(bench, w)
    control.report(bench, w)
    footprint.report(bench, w)
    scale.report(bench, w)
    consecutive.report(bench, w)
    first_use.report(bench, w)
    big_heap.report(bench, w)
    restart.report(bench, w)
    services.report(bench, w)
    if "ready" in bench.results:
        targets.report(bench, w)
    return "\n".join(out) + "\n"
