"""Section 1, time to ready: every variant (ours, the foreground, the peers, bare JVM boots),
started in shuffled rounds, timed to its first /health answer and to its command's return."""

import os
import random
import re
import shutil
import signal

from .loopback import free_port, poll_health, probe_at_return, serving_pid
from .procs import Proc, ms, proc_stat_cpu_ms
from .stats import fmt, med, ratio, summary


def all_variants(bench):
    """name -> (description, build(tag, dir, port) -> argv, returns?), for every JDK."""
    v = {}
    for i, (suffix, java, home, version) in enumerate(bench.jdks):
        for name, spec in variants_on(bench, java, home).items():
            if len(bench.jdks) > 1:
                spec["label"] += " — JDK %s" % suffix
            v[bench.jdk_key(name, i)] = spec
    return v


def variants_on(bench, java, java_home):
    """The variants on one JDK: name -> (description, argv builder, returns?)."""
    v = {}
    jar = bench.jar
    v["foreground"] = dict(
        label="foreground `java -jar` (baseline)",
        argv=lambda t, d, p: [java, bench.tag_opt(t), "-jar", jar, "--port=%d" % p],
        returns=False)
    v["jdaemon"] = dict(
        label="**jdaemon `--daemon`** (ours)",
        argv=lambda t, d, p: [java, bench.tag_opt(t), "-jar", jar, "--daemon",
                              "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d, "--port=%d" % p],
        returns=True)
    for k, alt in enumerate(bench.args.alt_jar or []):
        v["jdaemon-alt" + (str(k + 1) if k else "")] = dict(
            label="jdaemon `--daemon`, other jar `%s`" % os.path.relpath(alt),
            argv=lambda t, d, p, alt=alt: [java, bench.tag_opt(t), "-jar", alt, "--daemon",
                                           "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d,
                                           "--port=%d" % p],
            returns=True)
    opts = bench.cds_use.get(java)
    if opts:
        v["foreground-cds"] = dict(
            label="foreground `java %s -jar`" % " ".join(opts),
            argv=lambda t, d, p: [java, bench.tag_opt(t)] + opts + ["-jar", jar,
                                                                  "--port=%d" % p],
            returns=False)
        v["jdaemon-cds"] = dict(
            label="**jdaemon `--daemon`**, both JVMs with `%s`" % " ".join(opts),
            argv=lambda t, d, p: [java, bench.tag_opt(t)] + opts + [
                "-jar", jar, "--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d,
                "--port=%d" % p],
            returns=True)
    v["nohup"] = dict(
        label="`nohup java -jar … &`",
        argv=lambda t, d, p: ["/bin/sh", "-c", 'nohup "$@" >"%s/d.log" 2>&1 &' % d, "sh",
                              java, bench.tag_opt(t), "-jar", jar, "--port=%d" % p],
        returns=True)
    if shutil.which("setsid"):
        v["setsid"] = dict(
            label="`setsid -f java -jar …`",
            argv=lambda t, d, p: ["setsid", "-f", java, bench.tag_opt(t), "-jar", jar,
                                  "--port=%d" % p],
            returns=True)
    else:
        bench.skipped["setsid"] = "setsid (util-linux) not found"
    if shutil.which("daemonize"):
        v["daemonize"] = dict(
            label="`daemonize` (Debian)",
            argv=lambda t, d, p: ["daemonize", "-c", d, "-p", d + "/d.pid", "-o", d + "/d.log",
                                  "-e", d + "/d.log", java, bench.tag_opt(t), "-jar", jar,
                                  "--port=%d" % p],
            returns=True)
    else:
        bench.skipped["daemonize"] = ("daemonize not installed (Debian package `daemonize`; "
                                     "run.sh installs it when run as root)")
    if shutil.which("start-stop-daemon"):
        v["start-stop-daemon"] = dict(
            label="`start-stop-daemon --background --make-pidfile`",
            argv=lambda t, d, p: ["start-stop-daemon", "--start", "--background",
                                  "--make-pidfile", "--pidfile", d + "/d.pid", "--chdir", d,
                                  "--output", d + "/d.log", "--startas", java, "--",
                                  bench.tag_opt(t), "-jar", jar, "--port=%d" % p],
            returns=True)
    else:
        bench.skipped["start-stop-daemon"] = "start-stop-daemon (dpkg) not found"
    if bench.peers_jar and os.path.isfile(bench.peers_jar):
        v["floor"] = dict(
            label="floor: a JVM that only calls `ProcessBuilder.start()` on the foreground "
                  "command, then halts (no detaching, no checks)",
            argv=lambda t, d, p: [java, bench.tag_opt(t), "-cp", bench.peers_jar,
                                  "io.jdaemon.bench.peers.SpawnOnly", java, bench.tag_opt(t),
                                  "-jar", jar, "--port=%d" % p],
            returns=False)
    else:
        bench.skipped["floor"] = "the peer services (bench/peers) were not built"
    jsvc = shutil.which("jsvc")
    cd_jar = os.path.join(bench.peers_lib or "", "commons-daemon.jar")
    if not jsvc:
        bench.skipped["jsvc"] = ("jsvc not installed (Debian package `jsvc`; run.sh installs it "
                                "when run as root)")
    elif not (bench.peers_jar and os.path.isfile(bench.peers_jar) and os.path.isfile(cd_jar)):
        bench.skipped["jsvc"] = "the peer services (bench/peers) were not built"
    else:
        jsvc = os.path.realpath(jsvc)
        v["jsvc"] = dict(
            label="Commons Daemon `jsvc -wait 10`",
            argv=lambda t, d, p: [jsvc, "-home", java_home, "-cp",
                                  bench.peers_jar + ":" + cd_jar, "-pidfile", d + "/d.pid",
                                  "-outfile", d + "/d.log", "-errfile", "&1", "-wait", "10",
                                  "-cwd", "/", bench.tag_opt(t),
                                  "io.jdaemon.bench.peers.JsvcHealth", "--port=%d" % p],
            returns=True)
    akuma_cp = [os.path.join(bench.peers_lib or "", j) for j in ("akuma.jar", "jna.jar")]
    if bench.peers_jar and os.path.isfile(bench.peers_jar) and all(map(os.path.isfile, akuma_cp)):
        cp = ":".join([bench.peers_jar] + akuma_cp)
        v["akuma"] = dict(
            label="akuma `Daemon.daemonize()`",
            argv=lambda t, d, p: [java, bench.tag_opt(t), "-cp", cp,
                                  "io.jdaemon.bench.peers.AkumaHealth", "--daemon",
                                  "--pidfile=%s/d.pid" % d, "--port=%d" % p],
            returns=True)
        v["minimal"] = dict(
            label="foreground, same service without jdaemon",
            argv=lambda t, d, p: [java, bench.tag_opt(t), "-cp", bench.peers_jar,
                                  "io.jdaemon.bench.peers.MinimalHealth", "--port=%d" % p],
            returns=False)
    else:
        bench.skipped["akuma"] = "the peer services (bench/peers) were not built"
    return v


def ready_run(bench, name, spec):
    """One start of a variant: time to return, time to /health, CPU to ready; then stop."""
    tag = bench.session.tag()
    d = bench.run_dir()
    port = free_port()
    argv = spec["argv"](tag, d, port)
    on_exit = (lambda: probe_at_return(port)) if spec["returns"] else None
    p = Proc(argv, os.path.join(d, "launch.out"), bench.env, on_exit=on_exit)
    deadline = p.t0 + int(bench.args.ready_timeout * 1e9)
    until = (lambda: p.done.is_set()) if spec["returns"] else None
    connected = []
    t_health = poll_health(port, p.t0, deadline, until, connected)
    r = dict(variant=name, ok=t_health is not None)
    if t_health is not None:
        spid = serving_pid(port)
        daemon_cpu = proc_stat_cpu_ms(spid) if spid else None
        r["health_ms"] = ms(t_health - p.t0)
        r["bound_ms"] = ms(connected[0] - p.t0) if connected else None
        if spec["returns"]:
            r["return_ms"] = ms(p.t_exit - p.t0)
            r["exit"] = p.status
            r["ready_at_return"] = bool(p.on_exit_result[0])
            r["answer_after_return_ms"] = p.on_exit_result[1] if p.on_exit_result[0] else None
            r["cpu_ms"] = (p.cpu_ms or 0) + (daemon_cpu or 0)
        else:
            r["cpu_ms"] = daemon_cpu
            if spid is not None and spid != p.pid and daemon_cpu is not None:
                # The command spawned the serving JVM and ends by itself (the floor): its
                # own CPU counts too, as the launcher's does for ours.
                p.wait(10)
                r["cpu_ms"] = daemon_cpu + (p.cpu_ms or 0) if p.done.is_set() else None
    else:
        r["output"] = p.output()[-2000:]
        r["processes"] = describe(bench, tag)
        r["returned"] = p.done.is_set()
    bench.session.end(tag)
    p.kill()
    return r


def describe(bench, tag):
    """What the processes of tag are doing: for a start that never got ready."""
    out = []
    for pid in bench.session.tagged_pids(tag):
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
            with open("/proc/%d/wchan" % pid) as f:
                wchan = f.read().strip()
            threads = len(os.listdir("/proc/%d/task" % pid))
            exe = os.readlink("/proc/%d/exe" % pid)
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out.append("pid %d (%s) state %s ppid %s, %d thread(s), wchan %s" % (
            pid, os.path.basename(exe), fields[0], fields[1], threads, wchan or "-"))
    return out


def bare_boot_run(bench, key):
    tag = bench.session.tag()
    d = bench.run_dir()
    kind = bench.base_name(key)
    java = bench.jdks[[bench.jdk_key(kind, i) for i in range(len(bench.jdks))].index(key)][1]
    if kind == "empty":
        argv = [java, bench.tag_opt(tag), "-cp", bench.peers_jar,
                "io.jdaemon.bench.peers.Empty"]
    else:
        argv = [java, bench.tag_opt(tag), "-version"]
    p = Proc(argv, os.path.join(d, "out"), bench.env)
    p.wait(60)
    bench.session.end(tag)
    return dict(variant=key, ok=p.status == 0, health_ms=ms(p.t_exit - p.t0),
                return_ms=ms(p.t_exit - p.t0), cpu_ms=p.cpu_ms)


def train_cds(bench):
    """--cds: one archive per JDK, trained by a foreground run (start, one GET, SIGTERM).

    JDK 25+: the AOT cache (-XX:AOTCacheOutput, JEP 514; then -XX:AOTCache). Older: a
    dynamic AppCDS archive (-XX:ArchiveClassesAtExit; then -XX:SharedArchiveFile)."""
    os.makedirs(os.path.join(bench.work, "cds"), exist_ok=True)
    for suffix, java, home, version in bench.jdks:
        feature = int(re.match(r"\d+", suffix).group(0)) if re.match(r"\d+", suffix) else 0
        path = os.path.join(bench.work, "cds", "app-%s.%s" % (suffix, "aot" if feature >= 25 else "jsa"))
        train, use = (("-XX:AOTCacheOutput=", "-XX:AOTCache=") if feature >= 25 else
                      ("-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile="))
        tag = bench.session.tag()
        port = free_port()
        p = Proc([java, bench.tag_opt(tag), train + path, "-jar", bench.jar, "--port=%d" % port],
                 os.path.join(bench.run_dir(), "train.out"), bench.env)
        ok = poll_health(port, p.t0, p.t0 + int(60e9)) is not None
        os.kill(p.pid, signal.SIGTERM)
        p.wait(120)
        bench.session.end(tag)
        if ok and os.path.isfile(path):
            bench.cds_use[java] = [use + path]
            bench.say("bench: --cds: trained %s for JDK %s" % (path, suffix))
        else:
            bench.skipped["jdaemon-cds@" + suffix] = "training the archive failed: %r" % p.output()[-300:]


def run(bench):
    if bench.args.cds:
        train_cds(bench)
    variants = all_variants(bench)
    if bench.args.variants:
        variants = {k: v for k, v in variants.items()
                    if bench.base_name(k) in bench.args.variants
                    or bench.base_name(k) in ("foreground", "floor", "foreground-cds",
                                              "jdaemon-cds")}
    for name, why in bench.skipped.items():
        bench.say("bench: skipping %s: %s" % (name, why))
    names = list(variants)
    kinds = ["empty"] if bench.peers_jar and os.path.isfile(bench.peers_jar) else []
    kinds.append("java-version")
    boots = [bench.jdk_key(k, i) for i in range(len(bench.jdks)) for k in kinds]
    runs = {n: [] for n in names + boots}
    rng = random.Random(6)
    total = bench.args.warmup + bench.args.runs
    for i in range(total):
        order = names + boots
        rng.shuffle(order)
        bench.say("bench: time to ready, round %d/%d%s" % (
            i + 1, total, " (warm-up)" if i < bench.args.warmup else ""))
        for n in order:
            r = bare_boot_run(bench, n) if n in boots else ready_run(bench, n, variants[n])
            if i >= bench.args.warmup:
                runs[n].append(r)
            if not r["ok"]:
                bench.say("bench: %s did not get ready within %.0f s; output: %r; its processes "
                         "then: %s" % (n, bench.args.ready_timeout, r.get("output", "")[-300:],
                                       "; ".join(r.get("processes", [])) or "none"))
    bench.results["ready"] = runs
    bench.results["labels"] = {n: variants[n]["label"] for n in names}
    bench.results["returns"] = {n: variants[n]["returns"] for n in names}


def report(bench, w):
    ready = bench.results["ready"]
    fg = med([r.get("health_ms") for r in ready["foreground"]])
    w("### 1. Time to ready (ms)")
    w("")
    w("From invoking the command until GET /health answers (polled every 2 ms on "
      "127.0.0.1), and until the command returns. \"GET at return\": one GET /health sent "
      "the moment the command returned, no retry: how many were answered (the others were "
      "refused: nothing listening yet) and the median time to the answer. \"bound → answer\": "
      "from the first TCP connection the port accepted (the service bound it) to the first "
      "answer: the service's own start plus its cold first request, paid by every variant. "
      "CPU is user+system of the command (with the children it waited for) plus the serving "
      "JVM's at ready.")
    w("")
    w("| variant | to /health: median | min–max | × fg | command returns: median | "
      "min–max | return − first answer | GET at return | bound → answer | CPU to ready | "
      "failed |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    labels = dict(bench.results["labels"])
    for i, jdk in enumerate(bench.jdks):
        on = " — JDK %s" % jdk[0] if len(bench.jdks) > 1 else ""
        labels[bench.jdk_key("empty", i)] = "bare JVM boot: empty `main` (exit)" + on
        labels[bench.jdk_key("java-version", i)] = "bare JVM boot: `java -version` (exit)" + on
    for name, runs in ready.items():
        fg = med([r.get("health_ms") for r in ready.get(bench.baseline_of(name), [])])
        good = [r for r in runs if r["ok"]]
        hm, hr = summary([r.get("health_ms") for r in good])
        returns = bench.results["returns"].get(name, False)
        if returns:
            rm, rr = summary([r.get("return_ms") for r in good])
            lag = med([r["return_ms"] - r["health_ms"] for r in good])
            n_ar = sum(1 for r in good if r.get("ready_at_return"))
            after = med([r.get("answer_after_return_ms") for r in good])
            rar = "%d/%d" % (n_ar, len(good)) + (", in %s ms" % fmt(after) if n_ar else "")
            lag = ("%+.0f" % lag) if lag is not None else "n/a"
        else:
            rm, rr, lag, rar = "—", "—", "—", "—"
        if bench.base_name(name) in ("empty", "java-version"):
            hm, hr = summary([r.get("return_ms") for r in good])
            bound = "—"
        else:
            bound = fmt(med([r["health_ms"] - r["bound_ms"] for r in good
                             if r.get("bound_ms") is not None]))
        cpu = med([r.get("cpu_ms") for r in good])
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
            labels.get(name, name), hm, hr, ratio(med([r.get("health_ms") for r in good]), fg),
            rm, rr, lag, rar, bound, fmt(cpu), len(runs) - len(good)))
    for name, why in bench.skipped.items():
        w("| %s | skipped: %s | | | | | | | | | |" % (name, why))
    w("")
    for name, runs in ready.items():
        for r in runs:
            if not r["ok"]:
                w("- %s: not ready within %.0f s (%s); its processes then: %s" % (
                    labels.get(name, name), bench.args.ready_timeout,
                    "the command had returned" if r.get("returned") else "the command had not returned",
                    "; ".join(r.get("processes", [])) or "none"))
    if any(not r["ok"] for runs in ready.values() for r in runs):
        w("")
