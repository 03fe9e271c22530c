"""Section 5, scale: N services started, then stopped, concurrently."""

import os
import signal
import time

from .loopback import free_port, healthy, serving_pid
from .procs import Proc, alive, ms, now
from .stats import fmt, med, ratio


def scale_once(bench, n, daemon):
    tag = bench.session.tag()
    dirs = [bench.run_dir() for _ in range(n)]
    ports = [free_port() for _ in range(n)]
    base = [bench.java_real, bench.tag_opt(tag), "-jar", bench.jar]
    r = dict(n=n, ok=0)
    t0 = now()
    if daemon:
        procs = [Proc(base + ["--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d,
                              "--port=%d" % p], d + "/start.out", bench.env)
                 for d, p in zip(dirs, ports)]
        for p in procs:
            p.wait(bench.args.start_timeout + 30)
        r["start_ms"] = ms(max(p.t_exit or now() for p in procs) - t0)
        r["ok"] = sum(1 for p, port in zip(procs, ports) if p.status == 0 and healthy(port))
        pids = [serving_pid(port) for port in ports]
        t1 = now()
        stops = [Proc(base + ["--daemon=stop", "--pidfile=%s/d.pid" % d], d + "/stop.out",
                      bench.env) for d in dirs]
        for p in stops:
            p.wait(120)
        r["stop_ms"] = ms(max(p.t_exit or now() for p in stops) - t1)
        r["stopped"] = sum(1 for p, pid in zip(stops, pids)
                           if p.status == 0 and pid is not None and not alive(pid))
    else:
        procs = [Proc(base + ["--port=%d" % p], d + "/out", bench.env)
                 for d, p in zip(dirs, ports)]
        pending = set(ports)
        deadline = t0 + int((bench.args.start_timeout + 30) * 1e9)
        while pending and now() < deadline:
            for port in list(pending):
                if healthy(port):
                    pending.discard(port)
            if pending:
                time.sleep(0.002)
        r["start_ms"] = ms(now() - t0)
        r["ok"] = n - len(pending)
        t1 = now()
        for p in procs:
            os.kill(p.pid, signal.SIGTERM)
        for p in procs:
            p.wait(60)
        r["stop_ms"] = ms(now() - t1)
        r["stopped"] = sum(1 for p in procs if p.done.is_set())
    bench.session.end(tag)
    for p in procs:
        p.kill()
    return r


def run(bench):
    res = []
    for n in bench.args.scale:
        reps = bench.args.scale_reps if n < 50 else max(1, bench.args.scale_reps - 1)
        for kind in ("foreground", "jdaemon"):
            for i in range(reps):
                bench.say("bench: scale N=%d %s, rep %d/%d" % (n, kind, i + 1, reps))
                r = scale_once(bench, n, kind == "jdaemon")
                r["kind"] = kind
                res.append(r)
    bench.results["scale"] = res


def report(bench, w):
    s = bench.results.get("scale")
    if not s:
        return
    w("### 5. Scale: N services started, then stopped, concurrently (ms)")
    w("")
    w("Foreground: N `java -jar` until every /health answers, then SIGTERM to all until all "
      "exited. Ours: N `--daemon` launchers until all returned, then N `--daemon=stop` until "
      "all returned. Medians of the repetitions.")
    w("")
    w("| N | kind | reps | start total | per service | × fg | stop total | per service | "
      "ready / stopped |")
    w("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in bench.args.scale:
        fgm = med([r["start_ms"] for r in s if r["n"] == n and r["kind"] == "foreground"])
        for kind in ("foreground", "jdaemon"):
            rs = [r for r in s if r["n"] == n and r["kind"] == kind]
            if not rs:
                continue
            st = med([r["start_ms"] for r in rs])
            sp = med([r["stop_ms"] for r in rs])
            w("| %d | %s | %d | %s | %s | %s | %s | %s | %d/%d, %d/%d |" % (
                n, "ours" if kind == "jdaemon" else kind, len(rs), fmt(st), fmt(st / n),
                ratio(st, fgm), fmt(sp), fmt(sp / n), sum(r["ok"] for r in rs), n * len(rs),
                sum(r["stopped"] for r in rs), n * len(rs)))
    w("")
