"""Section 2, where our overhead goes: one start of ours and one of the foreground with every
class load logged, cut into steps by the first class each step loads; the helper alone."""

import glob
import os
import re
import shutil
import subprocess

from .loopback import free_port, healthy, poll_health
from .procs import Proc, ms, now
from .stats import fmt, med, summary
from .xlog import classes_between, first_class, first_class_after, read_xlog, top_packages


def split_run(bench, daemon):
    tag = bench.session.tag()
    d = bench.run_dir()
    port = free_port()
    xlog = "-Xlog:class+load=info,os=info:file=%s/cl-%%p.log:timenanos,tags" % d
    argv = [bench.java_real, bench.tag_opt(tag), xlog, "-jar", bench.jar]
    if daemon:
        argv += ["--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d]
    argv.append("--port=%d" % port)
    p = Proc(argv, os.path.join(d, "launch.out"), bench.env)
    r = dict(ok=False)
    if daemon:
        p.wait(bench.args.start_timeout)
        m = re.search(r"started, pid (\d+)", p.output())
        r["ok"] = p.status == 0 and m is not None and healthy(port)
        if r["ok"]:
            r["t0"], r["t_return"] = p.t0, p.t_exit
            r["launcher_log"] = os.path.join(d, "cl-%d.log" % p.pid)
            r["daemon_log"] = os.path.join(d, "cl-%s.log" % m.group(1))
    else:
        t_health = poll_health(port, p.t0, p.t0 + int(bench.args.start_timeout * 1e9))
        r["ok"] = t_health is not None
        if r["ok"]:
            r["t0"], r["t_health"] = p.t0, t_health
            r["fg_log"] = os.path.join(d, "cl-%d.log" % p.pid)
    bench.session.end(tag)
    p.kill()
    if not r["ok"]:
        return r
    main = "io.jdaemon.examples.HealthService"
    if daemon:
        L = read_xlog(r["launcher_log"])
        D = read_xlog(r["daemon_log"])
        d_service = first_class(D, "com.sun.net.httpserver.HttpServer")
        mk = dict(
            t0=r["t0"],
            l_main=first_class(L, main),
            l_launcher=first_class(L, "io.jdaemon.internal.launch.Launcher"),
            # From Launcher to ProcessBuilder two threads work (the checks and the settings;
            # the helper, the command line, ProcessImpl): one segment, not one per step.
            l_spawn=first_class(L, "java.lang.ProcessBuilder"),
            d_first=D[0][0] if D else None,
            d_main=first_class(D, main),
            d_side=first_class(D, "io.jdaemon.internal.daemon.ServiceSide"),
            # Reporter.connect: the directory's checks; Settings: decoded in hello, once
            # the settings file has been read.
            d_reporter=first_class(D, "io.jdaemon.internal.handshake.DaemonEnd"),
            d_settings=first_class(D, "io.jdaemon.internal.handshake.Handshake$Settings"),
            d_signals=first_class(D, "io.jdaemon.internal.daemon.Signals"),
            d_service=d_service,
            # The daemon's first Files.write and Files.move after the service started: the
            # Reporter writing the outcome file (READY) and renaming it into place.
            d_ready=min([t for t in (first_class_after(D, n, d_service) for n in (
                "java.nio.channels.Channels$1", "sun.nio.ch.ChannelOutputStream",
                "java.nio.file.StandardCopyOption")) if t is not None], default=None),
            # Handshake$Outcome: built by the launcher's poll once it read the outcome file.
            l_outcome=first_class(L, "io.jdaemon.internal.handshake.Handshake$Outcome"),
            t_return=r["t_return"],
        )
        lc = [(n, s) for _, _, n, s in L if n is not None]
        dc = [(n, s) for _, _, n, s in D if n is not None]
        r.update(markers=mk, launcher_classes=lc, daemon_classes=dc,
                 launcher_events=L, daemon_events=D)
    else:
        F = read_xlog(r["fg_log"])
        mk = dict(
            t0=r["t0"],
            f_first=F[0][0] if F else None,
            f_main=first_class(F, main),
            f_service=first_class(F, "com.sun.net.httpserver.HttpServer"),
            t_health=r["t_health"],
        )
        r.update(markers=mk, fg_classes=[(n, s) for _, _, n, s in F if n is not None],
                 fg_events=F)
    return r


def run(bench):
    ours, fg = [], []
    n = bench.args.split_runs
    for i in range(n):
        bench.say("bench: overhead split, run %d/%d" % (i + 1, n))
        ours.append(split_run(bench, True))
        fg.append(split_run(bench, False))
    bench.results["split"] = dict(ours=[r for r in ours if r["ok"]], fg=[r for r in fg if r["ok"]])


def helper_alone(bench):
    """The helper by itself (fork, setsid, fork, stdio, exec) running /bin/true, vs spawning
    /bin/true directly; times until the helper's output ends (exec of the grandchild)."""
    helpers = sorted(glob.glob(os.path.join(bench.env["XDG_CACHE_HOME"], "jdaemon",
                                            "jdaemon-helper-*")))
    if not helpers:
        return None
    helper = helpers[-1]
    true = shutil.which("true")
    res = {"helper": [], "direct": []}
    for i in range(bench.args.runs + 2):
        for kind in ("helper", "direct"):
            argv = ([helper, "--log", "/dev/null", "--workdir", "/", "--umask", "22",
                     "--sighup", "inherit", "--", true] if kind == "helper" else [true])
            t0 = now()
            out = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, env=bench.env)
            t1 = now()
            if i >= 2 and out.returncode == 0:
                res[kind].append(ms(t1 - t0))
    return res


def logging_cost(bench, ours, fg):
    """How far the logged totals of section 2 are above section 1's unlogged medians."""
    ready = bench.results.get("ready", {})
    ret = med([r.get("return_ms") for r in ready.get("jdaemon", []) if r["ok"]])
    fgh = med([r.get("health_ms") for r in ready.get("foreground", []) if r["ok"]])
    lo = med([ms(r["markers"]["t_return"] - r["markers"]["t0"]) for r in ours])
    lf = med([ms(r["markers"]["t_health"] - r["markers"]["t0"]) for r in fg])
    return (fmt(lo - ret) if None not in (lo, ret) else "?",
            fmt(lf - fgh) if None not in (lf, fgh) else "?")


def report(bench, w):
    sp = bench.results.get("split")
    if sp is None and "split" not in bench.args.sections:
        return
    if not sp or not sp["ours"] or not sp["fg"]:
        w("### 2. Overhead split: no successful run")
        w("")
        return

    def seg(runs, a, b):
        return med([ms(r["markers"][b] - r["markers"][a]) for r in runs
                    if r["markers"].get(a) is not None and r["markers"].get(b) is not None])

    ours, fg = sp["ours"], sp["fg"]
    w("### 2. Where our overhead goes (ms)")
    w("")
    w("Medians of %d runs with `-Xlog:class+load=info,os=info:file=DIR/cl-%%p.log:timenanos,"
      "tags` on the command line. `%%p` gives each JVM its own file (the launcher's is named by "
      "the PID the harness spawned, the daemon's by the PID it prints), so the option being "
      "re-applied in the daemon JVM is harmless and even useful: `timenanos` is "
      "CLOCK_MONOTONIC, the harness's clock, so both JVMs' class loads and the harness's "
      "events fall on one time axis. A segment ends at the first class the next step "
      "loads. Logging every class costs time: these totals are %s ms (ours, to the launcher's "
      "return) and %s ms (foreground, to the first answer) above the unlogged medians of "
      "section 1, so compare the segments with each other, not with section 1." % (
          len(ours), *logging_cost(bench, ours, fg)))
    w("")
    rows = [
        ("launcher JVM boot (exec → main class loaded)", seg(ours, "t0", "l_main"), None),
        ("launcher: flags, options (main → Launcher)", seg(ours, "l_main", "l_launcher"), None),
        ("launcher: on two threads, the pidfile and log checks, readiness directory + "
         "settings (mkdir 0700, write, rename) ∥ the helper (the cached copy's owner, mode, "
         "size, CRC-32), the JVM command line from /proc, ProcessImpl's initialisation",
         seg(ours, "l_launcher", "l_spawn"), None),
        ("ProcessBuilder → daemon JVM alive (jspawnhelper, helper fork/setsid/fork/stdio/exec)",
         seg(ours, "l_spawn", "d_first"), seg(fg, "t0", "f_first")),
        ("service JVM boot (first log line → main class)", seg(ours, "d_first", "d_main"),
         seg(fg, "f_first", "f_main")),
        ("daemon: flags before setup", seg(ours, "d_main", "d_side"), None),
        ("daemon setup: ServiceSide linked, PID from /proc/self", seg(ours, "d_side", "d_reporter"),
         None),
        ("daemon setup: check the readiness directory (owner, 0700), read the settings",
         seg(ours, "d_reporter", "d_settings"), None),
        ("daemon setup: launcher still alive?, pidfile create+lock",
         seg(ours, "d_settings", "d_signals"), None),
        ("daemon setup: signals, shutdown hook", seg(ours, "d_signals", "d_service"),
         seg(fg, "f_main", "f_service")),
        ("service start → daemon writes READY (foreground: → first /health answer)",
         seg(ours, "d_service", "d_ready"), seg(fg, "f_service", "t_health")),
        ("READY written → launcher has read it (outcome file, polled every 1 ms)",
         seg(ours, "d_ready", "l_outcome"), None),
        ("launcher: print, exit", seg(ours, "l_outcome", "t_return"), None),
    ]
    chain = ("t0 l_main l_launcher l_spawn d_first d_main "
             "d_side d_reporter d_settings d_signals d_service d_ready l_outcome "
             "t_return").split()
    # Whether every run has every marker in order (a segment's median over fewer runs, or a
    # negative segment, would make the rows stop adding up).
    complete = sum(1 for r in ours if all(r["markers"].get(k) is not None for k in chain)
                   and all(r["markers"][a] <= r["markers"][b] for a, b in zip(chain, chain[1:])))
    rows += [
        ("sum of the rows above (medians)", sum(x for _, x, _ in rows if x is not None),
         sum(x for _, _, x in rows if x is not None)),
        ("**total** (median of the runs' totals)", seg(ours, "t0", "t_return"),
         seg(fg, "t0", "t_health")),
    ]
    w("| segment | ours | foreground |")
    w("|---|---:|---:|")
    for label, a, b in rows:
        w("| %s | %s | %s |" % (label, fmt(a, 1), "—" if b is None else fmt(b, 1)))
    w("")
    w("In the foreground column \"ProcessBuilder → JVM alive\" is the harness's spawn → the "
      "JVM's first log line, the part of exec and JVM start-up before logging begins, which "
      "the daemon JVM has too; the foreground's \"signals\" row is main → HttpServer (flags "
      "and the signal policy), and its service row ends at the first /health answer. The "
      "markers (the first load of: the main class, `Launcher`, `ProcessBuilder` in the "
      "launcher; the daemon "
      "JVM's first log line, its main class, `ServiceSide`, `DaemonEnd`, "
      "`Handshake$Settings`, `Signals`, `HttpServer`, then its first file output stream "
      "(`Channels$1` on JDK 17, `ChannelOutputStream` later) or `StandardCopyOption` (the "
      "outcome file written and renamed); `Handshake$Outcome` in the launcher; the launcher's exit) "
      "were in order in %d of %d runs; a median of each row is not the row of the median "
      "run, so the sum of the rows differs a little from the median total." % (
          complete, len(ours)))
    w("")
    # helper alone
    ha = bench.results.get("helper_alone")
    if ha and ha["helper"] and ha["direct"]:
        w("The helper alone (fork, setsid, fork, stdio, exec of `/bin/true`, until its output "
          "ends), spawned from the harness: %s ms median (min–max %s), against %s ms for "
          "spawning `/bin/true` directly: the helper's own cost is about %.1f ms." % (
              summary(ha["helper"], 1)[0], summary(ha["helper"], 1)[1],
              summary(ha["direct"], 1)[0], med(ha["helper"]) - med(ha["direct"])))
        w("")
    # classes
    r0 = ours[len(ours) // 2]
    lc = r0["launcher_classes"]
    dc = r0["daemon_classes"]
    fc = fg[len(fg) // 2]["fg_classes"]

    def by_source(classes):
        cds = sum(1 for _, s in classes if s == "shared objects file")
        jrt = sum(1 for _, s in classes if s.startswith("jrt:/"))
        app = sum(1 for _, s in classes if s.startswith("file:"))
        return cds, jrt, app, len(classes) - cds - jrt - app

    w("Classes loaded (one run):")
    w("")
    w("| JVM | classes | from CDS archive | from jrt (not in CDS) | from the jar | generated "
      "(lambdas, method handles) | com.sun.jna | org.slf4j (api / binding) |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, classes in (("launcher (`--daemon`)", lc), ("daemon", dc),
                           ("foreground", fc)):
        cds, jrt, app, gen = by_source(classes)
        jna = sum(1 for n, _ in classes if n.startswith("com.sun.jna"))
        api = sum(1 for n, _ in classes if n.startswith("org.slf4j")
                  and not n.startswith("org.slf4j.simple") and not n.startswith("org.slf4j.impl"))
        binding = sum(1 for n, _ in classes if n.startswith("org.slf4j.simple")
                      or n.startswith("org.slf4j.impl"))
        w("| %s | %d | %d | %d | %d | %d | %d | %d / %d |" % (label, len(classes), cds, jrt, app,
                                                          gen, jna, api, binding))
    w("")
    bench.results["launcher_class_counts"] = dict(
        total=[len(r["launcher_classes"]) for r in ours],
        jna=[sum(1 for n, _ in r["launcher_classes"] if n.startswith("com.sun.jna"))
             for r in ours],
        slf4j=[sum(1 for n, _ in r["launcher_classes"] if n.startswith("org.slf4j"))
               for r in ours])
    # per segment classes and top packages
    mk = r0["markers"]
    segments = [
        ("launcher: JVM boot", r0["launcher_events"], mk["t0"], mk["l_main"]),
        ("launcher: flags, options", r0["launcher_events"], mk["l_main"], mk["l_launcher"]),
        ("launcher: checks, settings ∥ helper, command line (two threads)", r0["launcher_events"],
         mk["l_launcher"], mk["l_spawn"]),
        ("launcher: spawn (ProcessBuilder → daemon JVM alive)", r0["launcher_events"],
         mk["l_spawn"], mk["d_first"]),
        ("launcher: wait for READY", r0["launcher_events"], mk["d_first"], mk["l_outcome"]),
        ("launcher: print, exit", r0["launcher_events"], mk["l_outcome"], mk["t_return"]),
        ("daemon: JVM boot (first log line → main class)", r0["daemon_events"], mk["d_first"],
         mk["d_main"]),
        ("daemon: flags", r0["daemon_events"], mk["d_main"], mk["d_side"]),
        ("daemon: ServiceSide, PID", r0["daemon_events"], mk["d_side"], mk["d_reporter"]),
        ("daemon: readiness directory, settings", r0["daemon_events"], mk["d_reporter"],
         mk["d_settings"]),
        ("daemon: launcher alive?, pidfile", r0["daemon_events"], mk["d_settings"],
         mk["d_signals"]),
        ("daemon: signals, shutdown hook", r0["daemon_events"], mk["d_signals"],
         mk["d_service"]),
        ("daemon: service start → READY written", r0["daemon_events"], mk["d_service"],
         mk["d_ready"]),
    ]
    w("What the classes of each step are (one run; top packages):")
    w("")
    w("| step | ms | classes | top packages |")
    w("|---|---:|---:|---|")
    for label, events, a, b in segments:
        if a is None or b is None:
            continue
        cl = classes_between(events, a, b)
        w("| %s | %.1f | %d | %s |" % (label, ms(b - a), len(cl), top_packages(cl)))
    w("")
    # notable first uses
    notable = [
        ("java.lang.invoke.LambdaForm$MH/", "first method-handle class spun at run time "
         "(indy string concatenation or lambda)"),
        ("java.lang.invoke.LambdaMetafactory", "first lambda"),
        ("java.security.MessageDigest", "MessageDigest (JCA)"),
        ("java.security.SecureRandom", "SecureRandom (JCA)"),
        ("java.nio.file.TempFileHelper", "`Files.createTemp*` (seeds a SecureRandom)"),
        ("java.util.stream.Stream", "streams"),
    ]
    w("First use of notable JDK facilities, ms after the main class was loaded (one run):")
    w("")
    w("| facility | launcher | daemon | foreground |")
    w("|---|---:|---:|---:|")
    fmk = fg[len(fg) // 2]["markers"]
    for cls, label in notable:
        def at(events, t_main):
            t = first_class(events, cls, exact=not cls.endswith("/"))
            return "%.1f" % ms(t - t_main) if t is not None and t_main is not None else "—"
        w("| %s (`%s`) | %s | %s | %s |" % (
            label, cls.rsplit(".", 1)[1], at(r0["launcher_events"], mk["l_main"]),
            at(r0["daemon_events"], mk["d_main"]), at(fg[len(fg) // 2]["fg_events"], fmk["f_main"])))
    w("")
