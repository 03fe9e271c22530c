"""Section 6, consecutive starts: start, check, stop, many times on one pidfile, log and port."""

import os

from .loopback import free_port, healthy, serving_pid
from .procs import Proc, alive, ms
from .stats import fmt, summary


def run(bench):
    n = bench.args.consecutive
    tag = bench.session.tag()
    d = bench.run_dir()
    port = free_port()
    pidf = d + "/d.pid"
    base = [bench.java_real, bench.tag_opt(tag), "-jar", bench.jar]
    ok, hangs, failures, starts, stops = 0, 0, [], [], []
    for i in range(n):
        if i % 20 == 0:
            bench.say("bench: consecutive starts %d-%d/%d" % (i + 1, min(n, i + 20), n))
        s = Proc(base + ["--daemon", "--pidfile=" + pidf, "--log=" + d + "/d.log",
                         "--port=%d" % port], d + "/start.out", bench.env)
        if not s.wait(bench.args.start_timeout + 30):
            hangs += 1
            bench.session.end(tag)
            s.kill()
            continue
        spid = serving_pid(port)
        if s.status != 0 or not healthy(port) or spid is None:
            failures.append("start %d: exit %s, health %s" % (i + 1, s.status, healthy(port)))
            bench.session.end(tag)
            continue
        starts.append(ms(s.t_exit - s.t0))
        st = Proc(base + ["--daemon=stop", "--pidfile=" + pidf], d + "/stop.out", bench.env)
        if not st.wait(90):
            hangs += 1
            bench.session.end(tag)
            st.kill()
            continue
        stops.append(ms(st.t_exit - st.t0))
        if st.status != 0 or alive(spid) or os.path.exists(pidf):
            failures.append("stop %d: exit %s, alive %s, pidfile %s" % (
                i + 1, st.status, alive(spid), os.path.exists(pidf)))
            bench.session.end(tag)
            continue
        ok += 1
    bench.session.end(tag)
    bench.results["consecutive"] = dict(n=n, ok=ok, hangs=hangs, failures=failures,
                                       starts=starts, stops=stops)


def report(bench, w):
    c = bench.results.get("consecutive")
    if not c:
        return
    w("### 6. Consecutive starts")
    w("")
    sm, sr = summary(c["starts"])
    pm, pr = summary(c["stops"])
    p95 = sorted(c["starts"])[int(len(c["starts"]) * 0.95) - 1] if c["starts"] else None
    w("%d × (start with `--daemon`, GET /health right after it returned, `--daemon=stop`, "
      "check the process and pidfile are gone), same pidfile, log and port: **%d ok, %d hangs, "
      "%d failures**. Start: median %s ms (min–max %s, p95 %s); stop: median %s ms (%s)." % (
          c["n"], c["ok"], c["hangs"], len(c["failures"]), sm, sr, fmt(p95), pm, pr))
    for f in c["failures"][:10]:
        w("- " + f)
    w("")
