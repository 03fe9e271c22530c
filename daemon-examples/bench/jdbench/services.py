"""Section 10, real services: the Spring Boot sample (fat jar, and extracted) and the Quarkus
sample in the foreground, with `--daemon` and with `--daemon --startup-cache`, on every JDK,
interleaved; and the launcher's CPU per second while it waits for a slow start."""

import os
import random
import shutil
import subprocess
import time
import zipfile

from .loopback import free_port, http_get
from .procs import Proc, ms, now, proc_stat_cpu_ms
from .stats import fmt, med, ratio, summary

# name -> (label, jar under the samples directory, JVM options(port), arguments(port), path)
SAMPLES = {
    "spring": ("Spring Boot 3.5 sample (fat jar)", "spring-sample/spring-sample.jar",
               lambda p: [], lambda p: ["--server.port=%d" % p], "/health"),
    "spring-extracted": ("Spring Boot 3.5 sample (extracted: `-Djarmode=tools extract`)",
                         "spring-extracted/spring-sample.jar", lambda p: [],
                         lambda p: ["--server.port=%d" % p], "/health"),
    "quarkus": ("Quarkus 3 sample (fast-jar)", "quarkus-sample/quarkus-app/quarkus-run.jar",
                lambda p: ["-Dquarkus.http.port=%d" % p], lambda p: [], "/"),
}

# variant -> (label, flags after the service's arguments; None: the foreground)
WAYS = {
    "fg": ("foreground", None),
    "daemon": ("`--daemon`", ["--daemon"]),
    "cache": ("`--daemon --startup-cache`", ["--daemon", "--startup-cache"]),
}


def vm_hwm_kb(pid):
    """The peak RSS (VmHWM) of a running process, in kB, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def read_pid(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


def service_run(bench, sample, way, java):
    """One start: time to the first 200, the command's return, CPU and peak RSS; then stop."""
    label, jar, jvm, args, path = SAMPLES[sample]
    tag = bench.session.tag()
    d = bench.run_dir()
    if way == "cache":
        # The archive is kept per pidfile: one fixed place per sample and JDK, so the warm-up
        # round trains it and the measured rounds use it.
        d = os.path.join(bench.work, "cache-%s-%s" % (sample, os.path.basename(os.path.dirname(
            os.path.dirname(java)))))
        os.makedirs(d, exist_ok=True)
    port = free_port()
    jar = os.path.join(bench.args.samples_dir, jar)
    flags = WAYS[way][1]
    pidfile = os.path.join(d, "s.pid")
    argv = [java, bench.tag_opt(tag)] + jvm(port) + ["-jar", jar] + args(port)
    if flags is not None:
        argv += flags + ["--pidfile=" + pidfile, "--log=" + os.path.join(d, "s.log"),
                         "--workdir=" + d]
    p = Proc(argv, os.path.join(d, "launch.out"), bench.env)
    deadline = p.t0 + int(bench.args.service_timeout * 1e9)
    t_ready = None
    while now() < deadline:
        if http_get(port, path) is not None:
            t_ready = now()
            break
        if p.done.is_set() and (flags is None or p.status != 0):
            break  # the foreground died, or the launcher failed
        time.sleep(0.005)
    r = dict(ok=t_ready is not None)
    if t_ready is not None:
        serving = p.pid if flags is None else read_pid(pidfile)
        r["ready_ms"] = ms(t_ready - p.t0)
        r["serving_cpu_ms"] = proc_stat_cpu_ms(serving) if serving else None
        r["serving_hwm_kb"] = vm_hwm_kb(serving) if serving else None
        if flags is not None:
            p.wait(bench.args.service_timeout)
            r["return_ms"] = ms(p.t_exit - p.t0) if p.t_exit else None
            r["launcher_cpu_ms"] = p.cpu_ms
            r["launcher_rss_kb"] = p.maxrss_kb
            r["cpu_ms"] = (p.cpu_ms or 0) + (r["serving_cpu_ms"] or 0)
        else:
            r["cpu_ms"] = r["serving_cpu_ms"]
    else:
        p.wait(1)
        r["output"] = p.output()[-1500:]
        r["exit"] = p.status
    # A training daemon writes its archive when it exits: give it the time that takes (a JVM
    # killed meanwhile leaves none, and the next run would train again).
    bench.session.end(tag, grace_s=300.0 if way == "cache" else 10.0)
    p.kill()
    return r


def has_startup_cache(jar):
    """Whether the library in this jar knows --startup-cache (its flag parser names it)."""
    try:
        with zipfile.ZipFile(jar) as z:
            for name in z.namelist():
                if name.startswith("io/jdaemon/") and name.endswith(".class"):
                    if b"startup-cache" in z.read(name):
                        return True
    except (OSError, zipfile.BadZipFile):
        pass
    return False


def waiting_run(bench, java):
    """The launcher's CPU per second while the example's daemon takes 4 s to be ready
    (--slow-start=4): its utime+stime sampled 0.5 s and 2.5 s after the daemon wrote its
    pidfile (the launcher has spawned it and waits)."""
    tag = bench.session.tag()
    d = bench.run_dir()
    argv = [java, bench.tag_opt(tag), "-jar", bench.jar, "--daemon", "--pidfile=%s/d.pid" % d,
            "--log=%s/d.log" % d, "--port=%d" % free_port(), "--slow-start=4"]
    p = Proc(argv, os.path.join(d, "launch.out"), bench.env)
    deadline = time.monotonic() + 60
    while not os.path.exists(os.path.join(d, "d.pid")) and time.monotonic() < deadline \
            and not p.done.is_set():
        time.sleep(0.005)
    samples = []
    for wait in (0.5, 2.0):
        time.sleep(wait)
        samples.append((now(), proc_stat_cpu_ms(p.pid)))
    p.wait(60)
    bench.session.end(tag)
    p.kill()
    (t1, c1), (t2, c2) = samples
    if c1 is None or c2 is None or p.status != 0:
        return None
    return (c2 - c1) / ((t2 - t1) / 1e9)


def extract_spring(bench):
    """Spring Boot's recommended layout for a fast start: the fat jar extracted once
    (`java -Djarmode=tools -jar app.jar extract`), a thin jar with its libraries beside it."""
    fat = os.path.join(bench.args.samples_dir, SAMPLES["spring"][1])
    dest = os.path.join(bench.args.samples_dir, "spring-extracted")
    shutil.rmtree(dest, ignore_errors=True)  # the fat jar may be new
    if os.path.isfile(fat):
        subprocess.run([bench.jdks[0][1], "-Djarmode=tools", "-jar", fat, "extract", "--destination",
                        dest], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def run(bench):
    rng = random.Random(9)
    extract_spring(bench)
    keys = [(s, w, i) for s in SAMPLES for w in WAYS for i in range(len(bench.jdks))]
    missing = [s for s in SAMPLES if not os.path.isfile(os.path.join(bench.args.samples_dir,
                                                                      SAMPLES[s][1]))]
    if missing:
        bench.skipped["services"] = "samples not built in %s: %s" % (bench.args.samples_dir,
                                                                    ", ".join(missing))
        bench.say("bench: skipping the real services: " + bench.skipped["services"])
        return
    runs = {k: [] for k in keys}
    unsupported = set()
    if not has_startup_cache(bench.jar):
        unsupported = {("cache", i) for i in range(len(bench.jdks))}
    total = bench.args.services_runs + 1
    for n in range(total):
        bench.say("bench: real services, round %d/%d%s" % (n + 1, total,
                                                           " (warm-up)" if n == 0 else ""))
        order = list(keys)
        rng.shuffle(order)
        for k in order:
            s, w, i = k
            if (w, i) in unsupported:
                continue
            r = service_run(bench, s, w, bench.jdks[i][1])
            if not r["ok"]:
                bench.say("bench: %s %s on JDK %s did not serve: %r" % (
                    s, w, bench.jdks[i][0], r.get("output", "")[-300:]))
            if n > 0:
                runs[k].append(r)
    waiting = {}
    for i, jdk in enumerate(bench.jdks):
        bench.say("bench: the launcher's CPU while it waits, JDK %s" % jdk[0])
        waiting[jdk[0]] = [x for x in (waiting_run(bench, jdk[1]) for _ in range(3))
                           if x is not None]
    bench.results["services"] = dict(
        runs={"%s/%s/%s" % (s, w, bench.jdks[i][0]): v for (s, w, i), v in runs.items()},
        unsupported=["%s/%s" % (w, bench.jdks[i][0]) for w, i in unsupported],
        waiting=waiting)


def report(bench, w):
    res = bench.results.get("services")
    if not res:
        if "services" in bench.skipped:
            w("### 10. Real services")
            w("")
            w("Skipped: %s." % bench.skipped["services"])
            w("")
        return
    runs = res["runs"]
    w("### 10. Real services (ms, MB)")
    w("")
    w("The framework samples, each way interleaved in shuffled rounds (%d measured, after one "
      "warm-up round), on every JDK: from invoking the command until the service's first 200 "
      "(Spring Boot: `GET /health`; Quarkus: `GET /`, polled every 5 ms), and until the command "
      "returns. CPU to ready: the command's user+system time (with the helper it waited for) "
      "plus the serving JVM's at ready. Launcher: the launching JVM's own CPU and peak RSS "
      "(`wait4`); serving JVM: its VmHWM at ready. × is the ratio of medians to the foreground "
      "on the same JDK. `--startup-cache` keeps one pidfile per sample and JDK: the warm-up "
      "round trains its archive (the daemon is given the time to write it when stopped), the "
      "measured rounds use it." % bench.args.services_runs)
    w("")
    w("| service | JDK | way | to first 200 | min–max | × fg | returns | CPU to ready | "
      "launcher CPU | launcher peak RSS | serving JVM peak RSS | failed |")
    w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s, (label, *_rest) in SAMPLES.items():
        for jdk in bench.jdks:
            fg = med([r.get("ready_ms") for r in runs.get("%s/fg/%s" % (s, jdk[0]), [])
                      if r["ok"]])
            for way, (wlabel, _flags) in WAYS.items():
                key = "%s/%s/%s" % (s, way, jdk[0])
                if "%s/%s" % (way, jdk[0]) in res["unsupported"]:
                    w("| %s | %s | %s | not in this build (no `--startup-cache`) | | | | | | | | |" % (
                        label, jdk[0], wlabel))
                    continue
                rs = runs.get(key, [])
                good = [r for r in rs if r["ok"]]
                rm, rr = summary([r.get("ready_ms") for r in good])
                mb = lambda xs: fmt(med([x / 1024 for x in xs if x is not None]))
                w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
                    label, jdk[0], wlabel, rm, rr,
                    ratio(med([r.get("ready_ms") for r in good]), fg),
                    fmt(med([r.get("return_ms") for r in good])) if way != "fg" else "—",
                    fmt(med([r.get("cpu_ms") for r in good])),
                    fmt(med([r.get("launcher_cpu_ms") for r in good])) if way != "fg" else "—",
                    mb([r.get("launcher_rss_kb") for r in good]) if way != "fg" else "—",
                    mb([r.get("serving_hwm_kb") for r in good]),
                    len(rs) - len(good)))
    w("")
    w("The launcher's CPU per second while it waits: the example with `--slow-start=4` (ready "
      "about 4 s after its JVM started), the launcher's utime+stime sampled 0.5 s and 2.5 s "
      "after the daemon wrote its pidfile, 3 runs per JDK: " + "; ".join(
          "JDK %s %s ms/s (runs: %s)" % (j, fmt(med(v), 1), ", ".join(fmt(x, 1) for x in v))
          for j, v in res["waiting"].items()) + ".")
    w("")
