"""Section 8, big-heap options: the launcher's peak memory and time, and status's, when
`-Xms HEAP -XX:+AlwaysPreTouch` are on the `java` command line (they act in the launcher too)
and when they are given to the daemon only with `--jvm-option`."""

from .loopback import free_port
from .procs import Proc, ms
from .stats import med, summary

HEAP_OPTIONS = ["-Xms1g", "-XX:+AlwaysPreTouch"]
MODES = (("java line", lambda opts: (opts, [])),
         ("--jvm-option", lambda opts: ([], ["--jvm-option=" + o for o in opts])))


def run(bench):
    res = {name: {"start_ms": [], "start_kb": [], "status_ms": [], "status_kb": []}
           for name, _ in MODES}
    for i in range(bench.args.big_heap_runs):
        for name, place in MODES:
            bench.say("bench: big heap, %s, run %d/%d" % (name, i + 1, bench.args.big_heap_runs))
            before, after = place(HEAP_OPTIONS)
            tag = bench.session.tag()
            d = bench.run_dir()
            pidf = d + "/d.pid"
            base = [bench.java_real, bench.tag_opt(tag)] + before + ["-jar", bench.jar]
            start = Proc(base + ["--daemon", "--pidfile=" + pidf, "--log=" + d + "/d.log",
                                 "--port=%d" % free_port()] + after, d + "/start.out", bench.env)
            start.wait(bench.args.start_timeout)
            if start.status == 0:
                r = res[name]
                r["start_ms"].append(ms(start.t_exit - start.t0))
                r["start_kb"].append(start.maxrss_kb)
                st = Proc(base + ["--daemon=status", "--pidfile=" + pidf] + after,
                          d + "/status.out", bench.env)
                st.wait(60)
                r["status_ms"].append(ms(st.t_exit - st.t0) if st.status == 0 else None)
                r["status_kb"].append(st.maxrss_kb if st.status == 0 else None)
            else:
                bench.say("bench: big heap: start failed: " + start.output()[-300:])
            bench.session.end(tag)
    bench.results["big_heap"] = res


def report(bench, w):
    b = bench.results.get("big_heap")
    if not b:
        return
    w("### 8. Big-heap options: the launcher's cost")
    w("")
    w("`java [%s] -jar daemon-examples.jar --daemon ... [--jvm-option=...]`, then `--daemon=status` "
      "with the same options: the options on the `java` command line act in the launcher and in "
      "the control command too; given with `--jvm-option` they reach the daemon only. Peak RSS "
      "is the process's own `ru_maxrss` (wait4), in MB." % " ".join(HEAP_OPTIONS))
    w("")
    w("| options given | start ms | launcher peak RSS MB | status ms | status peak RSS MB |")
    w("|---|---:|---:|---:|---:|")
    for name, _ in MODES:
        r = b[name]
        kb = lambda xs: "%.0f" % (med(xs) / 1024.0) if med(xs) is not None else "–"
        w("| %s | %s | %s | %s | %s |" % (name, summary(r["start_ms"])[0], kb(r["start_kb"]),
                                          summary(r["status_ms"])[0], kb(r["status_kb"])))
    w("")
