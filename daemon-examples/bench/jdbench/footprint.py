"""Section 4, footprint: RSS, threads and open files of the running service from /proc, the
foreground against the daemon."""

import os
import re
import time

from .loopback import free_port, healthy, poll_health, serving_pid
from .procs import Proc
from .stats import fmt, med, ratio


def footprint(pid):
    status = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    fds = os.listdir("/proc/%d/fd" % pid)
    targets = []
    for fd in fds:
        try:
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        t = re.sub(r":\[\d+\]$", "", t)           # socket:[123] -> socket
        t = re.sub(r"^/.*/runs/\d+/", "RUNDIR/", t)  # the run's own directory
        t = re.sub(r"\.\d+\.tmp( \(deleted\))?$", r".PID.tmp\1", t)
        targets.append(t)
    return dict(rss_kb=int(status["VmRSS"].split()[0]),
                anon_kb=int(status["RssAnon"].split()[0]),
                threads=int(status["Threads"]), fds=len(fds), fd_targets=sorted(targets))


def run(bench):
    res = {"foreground": [], "jdaemon": []}
    for i in range(bench.args.footprint_runs):
        bench.say("bench: footprint, run %d/%d" % (i + 1, bench.args.footprint_runs))
        for kind in ("foreground", "jdaemon"):
            tag = bench.session.tag()
            d = bench.run_dir()
            port = free_port()
            argv = [bench.java_real, bench.tag_opt(tag), "-jar", bench.jar, "--port=%d" % port]
            if kind == "jdaemon":
                argv[4:4] = ["--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d]
            # The foreground's output goes to a file of the same name as the daemon's log.
            p = Proc(argv, d + ("/d.log" if kind == "foreground" else "/out"), bench.env)
            if poll_health(port, p.t0, p.t0 + int(bench.args.start_timeout * 1e9)) is None:
                bench.say("bench: footprint: %s did not get ready" % kind)
                bench.session.end(tag)
                p.kill()
                continue
            if kind == "jdaemon":
                p.wait(30)
            for _ in range(20):
                healthy(port)
            time.sleep(1.0)
            spid = serving_pid(port)
            res[kind].append(footprint(spid))
            bench.session.end(tag)
            p.kill()
    bench.results["footprint"] = res


def report(bench, w):
    f = bench.results.get("footprint")
    if not f or not f["foreground"] or not f["jdaemon"]:
        return
    w("### 4. Footprint of the running service (from /proc)")
    w("")
    w("Medians of %d instances each, measured 1 s after ready and 20 requests." % len(f["jdaemon"]))
    w("")
    w("| | foreground | daemon | daemon / foreground |")
    w("|---|---:|---:|---:|")
    for key, label in (("rss_kb", "RSS (KiB)"), ("anon_kb", "of which anonymous (KiB)"),
                       ("threads", "threads"), ("fds", "open fds")):
        a = med([x[key] for x in f["foreground"]])
        b = med([x[key] for x in f["jdaemon"]])
        w("| %s | %s | %s | %s (%+.1f%%) |" % (label, fmt(a), fmt(b), ratio(b, a),
                                              (b / a - 1) * 100))
    w("")
    fg_t = f["foreground"][-1].get("fd_targets", [])
    d_t = f["jdaemon"][-1].get("fd_targets", [])
    only_d = list(d_t)
    only_f = []
    for t in fg_t:
        if t in only_d:
            only_d.remove(t)
        else:
            only_f.append(t)
    w("Open files (last instance of each): foreground %s; daemon %s. Only in the daemon: %s; "
      "only in the foreground: %s." % (
          ", ".join("`%s`" % t for t in fg_t), ", ".join("`%s`" % t for t in d_t),
          ", ".join("`%s`" % t for t in only_d) or "none",
          ", ".join("`%s`" % t for t in only_f) or "none"))
    w("")
