"""Section 3, control commands: status and stop against a running daemon, timed, and one run of
each with its class loads logged."""

import os

from .loopback import free_port, serving_pid
from .procs import Proc, alive, ms
from .stats import med, ratio, summary
from .xlog import classes_between, first_class, read_xlog, top_packages


def run(bench):
    res = {"start": [], "status": [], "stop": [], "status_stopped": [], "stop_ok": []}
    for i in range(bench.args.runs):
        bench.say("bench: control commands, run %d/%d" % (i + 1, bench.args.runs))
        tag = bench.session.tag()
        d = bench.run_dir()
        port = free_port()
        pidf = d + "/d.pid"
        base = [bench.java_real, bench.tag_opt(tag), "-jar", bench.jar]
        start = Proc(base + ["--daemon", "--pidfile=" + pidf, "--log=" + d + "/d.log",
                             "--port=%d" % port], d + "/start.out", bench.env)
        start.wait(bench.args.start_timeout)
        if start.status != 0:
            bench.say("bench: control: start failed: " + start.output()[-300:])
            bench.session.end(tag)
            continue
        res["start"].append(ms(start.t_exit - start.t0))
        spid = serving_pid(port)
        st = Proc(base + ["--daemon=status", "--pidfile=" + pidf], d + "/status.out", bench.env)
        st.wait(60)
        res["status"].append(ms(st.t_exit - st.t0) if st.status == 0 else None)
        sp = Proc(base + ["--daemon=stop", "--pidfile=" + pidf], d + "/stop.out", bench.env)
        sp.wait(60)
        gone = spid is not None and not alive(spid) and not os.path.exists(pidf)
        res["stop"].append(ms(sp.t_exit - sp.t0) if sp.status == 0 else None)
        res["stop_ok"].append(sp.status == 0 and gone)
        st2 = Proc(base + ["--daemon=status", "--pidfile=" + pidf], d + "/status2.out", bench.env)
        st2.wait(60)
        res["status_stopped"].append(ms(st2.t_exit - st2.t0) if st2.status == 3 else None)
        bench.session.end(tag)
    res["classes"] = control_classes(bench)
    bench.results["control"] = res


def control_classes(bench):
    """One run of status and of stop with their class loads logged."""
    tag = bench.session.tag()
    d = bench.run_dir()
    port = free_port()
    pidf = d + "/d.pid"
    start = Proc([bench.java_real, bench.tag_opt(tag), "-jar", bench.jar, "--daemon",
                  "--pidfile=" + pidf, "--log=" + d + "/d.log", "--port=%d" % port],
                 d + "/start.out", bench.env)
    start.wait(bench.args.start_timeout)
    res = {}
    if start.status == 0:
        for action in ("status", "stop"):
            xlog = "-Xlog:class+load=info:file=%s/cl-%s-%%p.log:timenanos,tags" % (d, action)
            p = Proc([bench.java_real, bench.tag_opt(tag), xlog, "-jar", bench.jar,
                      "--daemon=" + action, "--pidfile=" + pidf], d + "/%s.out" % action,
                     bench.env)
            p.wait(60)
            try:
                events = read_xlog("%s/cl-%s-%d.log" % (d, action, p.pid))
            except OSError:
                continue
            t_main = first_class(events, "io.jdaemon.examples.HealthService")
            if t_main is None:
                continue
            classes = [(n, src) for _, _, n, src in events if n is not None]
            after = classes_between(events, t_main, p.t_exit)
            res[action] = dict(total_ms=ms(p.t_exit - p.t0), boot_ms=ms(t_main - p.t0),
                               after_main_ms=ms(p.t_exit - t_main), classes=len(classes),
                               after_main_classes=len(after), top=top_packages(after))
    bench.session.end(tag)
    return res


def report(bench, w):
    c = bench.results.get("control")
    if not c:
        return
    boot = med([r.get("return_ms") for r in bench.results["ready"].get("empty", [])])
    w("### 3. Control commands (ms)")
    w("")
    w("`java -jar daemon-examples.jar --daemon=… --pidfile=P` against a running daemon; stop "
      "returns once the daemon has exited (checked: process gone, pidfile removed: %d/%d)." % (
          sum(1 for x in c["stop_ok"] if x), len(c["stop_ok"])))
    w("")
    w("| command | median | min–max | × bare JVM boot |")
    w("|---|---:|---:|---:|")
    for key, label in (("status", "`--daemon=status` (running, exit 0)"),
                       ("stop", "`--daemon=stop` (until the daemon has exited)"),
                       ("status_stopped", "`--daemon=status` (not running, exit 3)")):
        m, r = summary(c[key])
        w("| %s | %s | %s | %s |" % (label, m, r, ratio(med(c[key]), boot)))
    w("")
    cl = c.get("classes") or {}
    if cl:
        w("One run of each with its class loads logged (the JVM's boot is exec → main class):")
        w("")
        w("| command | total ms | JVM boot ms | main → exit ms | classes | of which after "
          "main | top packages after main |")
        w("|---|---:|---:|---:|---:|---:|---|")
        for action, x in cl.items():
            w("| `--daemon=%s` | %.0f | %.0f | %.0f | %d | %d | %s |" % (
                action, x["total_ms"], x["boot_ms"], x["after_main_ms"], x["classes"],
                x["after_main_classes"], x["top"]))
        w("")
