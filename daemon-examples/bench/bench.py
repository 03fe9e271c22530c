#!/usr/bin/env python3
"""Start-up, control and footprint benchmark for jdaemon (issue #6).

Run through run.sh, which builds what is needed, makes a temporary work directory and passes
the paths in. Measures wall-clock time with CLOCK_MONOTONIC (time.monotonic_ns), the clock the
JVM's -Xlog "timenanos" decoration uses too, so JVM log lines and harness events share one time
axis. Everything runs on 127.0.0.1. Every process started carries a tag
(-Djdaemon.bench.tag=SESSION.N) in its command line, by which it is found and ended (by PID)
after each run and on exit, including Ctrl-C.

This is a benchmark, not a test: it asserts nothing about timing and exits 0 when every
variant ran (a failure of a start is counted and reported, not raised).
"""

import argparse
import atexit
import glob
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def now():
    return time.monotonic_ns()


def ms(ns):
    return ns / 1e6


# --------------------------------------------------------------------------------------------
# processes


class Session:
    """Tags, spawned processes and their cleanup."""

    def __init__(self, session_id, work):
        self.id = session_id
        self.work = work
        self.counter = 0
        self.lock = threading.Lock()

    def tag(self):
        with self.lock:
            self.counter += 1
            return "%s.%d" % (self.id, self.counter)

    def tagged_pids(self, tag):
        """PIDs whose command line contains tag (a whole -D value: SESSION.N, or SESSION.)."""
        me = os.getpid()
        needle = tag.encode()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmdline = f.read()
            except OSError:
                continue
            for arg in cmdline.split(b"\0"):
                if arg.startswith(b"-Djdaemon.bench.tag=") and (
                        arg[len(b"-Djdaemon.bench.tag="):] == needle
                        or (needle.endswith(b".") and arg[len(b"-Djdaemon.bench.tag="):].startswith(needle))):
                    found.append(int(entry))
                    break
        return found

    def end(self, tag, grace_s=10.0):
        """SIGTERM every process of tag, wait until gone, SIGKILL what is left. Returns count."""
        pids = self.tagged_pids(tag)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_s
        while pids and time.monotonic() < deadline:
            pids = [p for p in pids if alive(p)]
            if pids:
                time.sleep(0.005)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while pids and any(alive(p) for p in pids):
            time.sleep(0.005)
        return len(pids)

    def end_all(self):
        self.end(self.id + ".", grace_s=5.0)


def alive(pid):
    """Whether pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def proc_stat_cpu_ms(pid):
    """utime+stime of pid in ms (clock-tick resolution), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLK_TCK


class Proc:
    """A spawned process, reaped by a thread that records the exit time and the rusage."""

    def __init__(self, argv, out_path, env, on_exit=None):
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, out_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ]
        self.argv = argv
        self.out_path = out_path
        self.t_exit = None
        self.status = None
        self.cpu_ms = None
        self.on_exit_result = None
        self.done = threading.Event()
        self.t0 = now()
        self.pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
        self.thread = threading.Thread(target=self._reap, args=(on_exit,), daemon=True)
        self.thread.start()

    def _reap(self, on_exit):
        _, status, usage = os.wait4(self.pid, 0)
        self.t_exit = now()
        self.status = os.waitstatus_to_exitcode(status)
        self.cpu_ms = (usage.ru_utime + usage.ru_stime) * 1000.0
        if on_exit is not None:
            self.on_exit_result = on_exit()
        self.done.set()

    def wait(self, timeout=None):
        return self.done.wait(timeout)

    def output(self):
        try:
            with open(self.out_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def kill(self):
        if not self.done.is_set():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if not self.wait(10):
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.wait(10)


# --------------------------------------------------------------------------------------------
# HTTP on loopback


def http_get(port, path, timeout=2.0, connected=None):
    """The body of GET path on 127.0.0.1:port if the answer is 200, else None. connected: a
    list to which the time (ns) the TCP connection was established is appended."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        if connected is not None:
            connected.append(now())
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
    except OSError:
        return None
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return None
    return body.decode(errors="replace").strip()


def healthy(port, connected=None):
    return http_get(port, "/health", connected=connected) == "ok"


def probe_at_return(port):
    """A GET /health sent now, once, no retry: (answered, ms until the answer)."""
    t = now()
    ok = healthy(port)
    return ok, ms(now() - t)


def serving_pid(port):
    body = http_get(port, "/pid")
    return int(body) if body and body.isdigit() else None


USED_PORTS = set()


def free_port():
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in USED_PORTS:
            USED_PORTS.add(port)
            return port


def poll_health(port, t0, deadline_ns, until=None, connected=None):
    """First time (ns) /health answered on port, polling every 2 ms; None at the deadline.
    until(): optional extra condition that must also hold before returning. connected: list
    that receives the times TCP connections were established (the first: the port is bound)."""
    t_health = None
    while now() < deadline_ns:
        if t_health is None and healthy(port, connected):
            t_health = now()
        if t_health is not None and (until is None or until()):
            return t_health
        time.sleep(0.002)
    return t_health


# --------------------------------------------------------------------------------------------
# statistics and formatting


def java_version(java):
    """(feature version, the second line of `java -version`: the runtime's name and build)."""
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        sys.exit("bench: cannot run %s -version: %s" % (java, e))
    lines = (done.stdout + done.stderr).strip().splitlines()
    feature = re.search(r'version "(\d+)', lines[0] if lines else "")
    return (feature.group(1) if feature else "?"), (lines[1] if len(lines) > 1 else " ".join(lines))


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=0):
    if x is None:
        return "n/a"
    return ("%%.%df" % digits) % x


def summary(xs, digits=0):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a", "n/a"
    return fmt(statistics.median(xs), digits), "%s–%s" % (fmt(min(xs), digits), fmt(max(xs), digits))


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return "%.2f×" % (a / b)


# --------------------------------------------------------------------------------------------
# the bench


class Bench:

    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work)
        self.session = Session(args.session, self.work)
        # (suffix, java, JAVA_HOME, version line) per JDK of --jdk; the first one runs every
        # section, the others section 1 only, interleaved with it, as variants "NAME@SUFFIX".
        self.jdks = []
        for spec in args.jdk or [shutil.which("java")]:
            java = os.path.realpath(os.path.join(spec, "bin", "java") if os.path.isdir(spec)
                                    else spec)
            suffix, version = java_version(java)
            if any(j[0] == suffix for j in self.jdks):
                suffix = "%s-%d" % (suffix, len(self.jdks) + 1)
            self.jdks.append((suffix, java, os.path.dirname(os.path.dirname(java)), version))
        self.java = self.jdks[0][1]
        self.java_real = self.java
        self.java_home = self.jdks[0][2]
        self.jar = args.jar
        self.peers_jar = args.peers_jar
        self.peers_lib = args.peers_lib
        self.env = dict(os.environ)
        # The helper is extracted to this private cache (during the warm-up), not to ~/.cache.
        self.env["XDG_CACHE_HOME"] = os.path.join(self.work, "cache")
        os.makedirs(self.env["XDG_CACHE_HOME"], exist_ok=True)
        for k in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"):
            self.env.pop(k, None)
        self.run_no = 0
        self.cds_use = {}  # java -> the options that use its trained archive (--cds)
        try:
            with open("/proc/loadavg") as f:
                self.load_start = " ".join(f.read().split()[:3])
        except OSError:
            self.load_start = "?"
        self.results = {}
        self.skipped = {}
        self.log_lines = []

    def say(self, text):
        print(text, file=sys.stderr, flush=True)

    def run_dir(self):
        self.run_no += 1
        d = os.path.join(self.work, "runs", str(self.run_no))
        os.makedirs(d)
        return d

    def tag_opt(self, tag):
        return "-Djdaemon.bench.tag=" + tag

    # ---- variants of "time to ready" ---------------------------------------------------------

    def jdk_key(self, name, i):
        """The variant's key for the i-th JDK of --jdk: plain for the first, NAME@SUFFIX after."""
        return name if i == 0 else "%s@%s" % (name, self.jdks[i][0])

    @staticmethod
    def base_name(key):
        return key.split("@", 1)[0]

    def baseline_of(self, key):
        """The foreground baseline run on the same JDK as the variant with this key."""
        return "foreground" + (key[key.index("@"):] if "@" in key else "")

    def variants(self):
        """name -> (description, build(tag, dir, port) -> argv, returns?), for every JDK."""
        v = {}
        for i, (suffix, java, home, version) in enumerate(self.jdks):
            for name, spec in self.variants_on(java, home).items():
                if len(self.jdks) > 1:
                    spec["label"] += " — JDK %s" % suffix
                v[self.jdk_key(name, i)] = spec
        return v

    def variants_on(self, java, java_home):
        """The variants on one JDK: name -> (description, argv builder, returns?)."""
        v = {}
        jar = self.jar
        v["foreground"] = dict(
            label="foreground `java -jar` (baseline)",
            argv=lambda t, d, p: [java, self.tag_opt(t), "-jar", jar, "--port=%d" % p],
            returns=False)
        v["jdaemon"] = dict(
            label="**jdaemon `--daemon`** (ours)",
            argv=lambda t, d, p: [java, self.tag_opt(t), "-jar", jar, "--daemon",
                                  "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d, "--port=%d" % p],
            returns=True)
        for k, alt in enumerate(self.args.alt_jar or []):
            v["jdaemon-alt" + (str(k + 1) if k else "")] = dict(
                label="jdaemon `--daemon`, other jar `%s`" % os.path.relpath(alt),
                argv=lambda t, d, p, alt=alt: [java, self.tag_opt(t), "-jar", alt, "--daemon",
                                               "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d,
                                               "--port=%d" % p],
                returns=True)
        opts = self.cds_use.get(java)
        if opts:
            v["foreground-cds"] = dict(
                label="foreground `java %s -jar`" % " ".join(opts),
                argv=lambda t, d, p: [java, self.tag_opt(t)] + opts + ["-jar", jar,
                                                                      "--port=%d" % p],
                returns=False)
            v["jdaemon-cds"] = dict(
                label="**jdaemon `--daemon`**, both JVMs with `%s`" % " ".join(opts),
                argv=lambda t, d, p: [java, self.tag_opt(t)] + opts + [
                    "-jar", jar, "--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d,
                    "--port=%d" % p],
                returns=True)
        v["nohup"] = dict(
            label="`nohup java -jar … &`",
            argv=lambda t, d, p: ["/bin/sh", "-c", 'nohup "$@" >"%s/d.log" 2>&1 &' % d, "sh",
                                  java, self.tag_opt(t), "-jar", jar, "--port=%d" % p],
            returns=True)
        if shutil.which("setsid"):
            v["setsid"] = dict(
                label="`setsid -f java -jar …`",
                argv=lambda t, d, p: ["setsid", "-f", java, self.tag_opt(t), "-jar", jar,
                                      "--port=%d" % p],
                returns=True)
        else:
            self.skipped["setsid"] = "setsid (util-linux) not found"
        if shutil.which("daemonize"):
            v["daemonize"] = dict(
                label="`daemonize` (Debian)",
                argv=lambda t, d, p: ["daemonize", "-c", d, "-p", d + "/d.pid", "-o", d + "/d.log",
                                      "-e", d + "/d.log", java, self.tag_opt(t), "-jar", jar,
                                      "--port=%d" % p],
                returns=True)
        else:
            self.skipped["daemonize"] = ("daemonize not installed (Debian package `daemonize`; "
                                         "run.sh installs it when run as root)")
        if shutil.which("start-stop-daemon"):
            v["start-stop-daemon"] = dict(
                label="`start-stop-daemon --background --make-pidfile`",
                argv=lambda t, d, p: ["start-stop-daemon", "--start", "--background",
                                      "--make-pidfile", "--pidfile", d + "/d.pid", "--chdir", d,
                                      "--output", d + "/d.log", "--startas", java, "--",
                                      self.tag_opt(t), "-jar", jar, "--port=%d" % p],
                returns=True)
        else:
            self.skipped["start-stop-daemon"] = "start-stop-daemon (dpkg) not found"
        jsvc = shutil.which("jsvc")
        cd_jar = os.path.join(self.peers_lib or "", "commons-daemon.jar")
        if not jsvc:
            self.skipped["jsvc"] = ("jsvc not installed (Debian package `jsvc`; run.sh installs it "
                                    "when run as root)")
        elif not (self.peers_jar and os.path.isfile(self.peers_jar) and os.path.isfile(cd_jar)):
            self.skipped["jsvc"] = "the peer services (bench/peers) were not built"
        else:
            jsvc = os.path.realpath(jsvc)
            v["jsvc"] = dict(
                label="Commons Daemon `jsvc -wait 10`",
                argv=lambda t, d, p: [jsvc, "-home", java_home, "-cp",
                                      self.peers_jar + ":" + cd_jar, "-pidfile", d + "/d.pid",
                                      "-outfile", d + "/d.log", "-errfile", "&1", "-wait", "10",
                                      "-cwd", "/", self.tag_opt(t),
                                      "io.jdaemon.bench.peers.JsvcHealth", "--port=%d" % p],
                returns=True)
        akuma_cp = [os.path.join(self.peers_lib or "", j) for j in ("akuma.jar", "jna.jar")]
        if self.peers_jar and os.path.isfile(self.peers_jar) and all(map(os.path.isfile, akuma_cp)):
            cp = ":".join([self.peers_jar] + akuma_cp)
            v["akuma"] = dict(
                label="akuma `Daemon.daemonize()`",
                argv=lambda t, d, p: [java, self.tag_opt(t), "-cp", cp,
                                      "io.jdaemon.bench.peers.AkumaHealth", "--daemon",
                                      "--pidfile=%s/d.pid" % d, "--port=%d" % p],
                returns=True)
            v["minimal"] = dict(
                label="foreground, same service without jdaemon",
                argv=lambda t, d, p: [java, self.tag_opt(t), "-cp", self.peers_jar,
                                      "io.jdaemon.bench.peers.MinimalHealth", "--port=%d" % p],
                returns=False)
        else:
            self.skipped["akuma"] = "the peer services (bench/peers) were not built"
        return v

    def ready_run(self, name, spec):
        """One start of a variant: time to return, time to /health, CPU to ready; then stop."""
        tag = self.session.tag()
        d = self.run_dir()
        port = free_port()
        argv = spec["argv"](tag, d, port)
        on_exit = (lambda: probe_at_return(port)) if spec["returns"] else None
        p = Proc(argv, os.path.join(d, "launch.out"), self.env, on_exit=on_exit)
        deadline = p.t0 + int(self.args.ready_timeout * 1e9)
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
        else:
            r["output"] = p.output()[-2000:]
            r["processes"] = self.describe(tag)
            r["returned"] = p.done.is_set()
        self.session.end(tag)
        p.kill()
        return r

    def describe(self, tag):
        """What the processes of tag are doing: for a start that never got ready."""
        out = []
        for pid in self.session.tagged_pids(tag):
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

    def bare_boot_run(self, key):
        tag = self.session.tag()
        d = self.run_dir()
        kind = self.base_name(key)
        java = self.jdks[[self.jdk_key(kind, i) for i in range(len(self.jdks))].index(key)][1]
        if kind == "empty":
            argv = [java, self.tag_opt(tag), "-cp", self.peers_jar,
                    "io.jdaemon.bench.peers.Empty"]
        else:
            argv = [java, self.tag_opt(tag), "-version"]
        p = Proc(argv, os.path.join(d, "out"), self.env)
        p.wait(60)
        self.session.end(tag)
        return dict(variant=key, ok=p.status == 0, health_ms=ms(p.t_exit - p.t0),
                    return_ms=ms(p.t_exit - p.t0), cpu_ms=p.cpu_ms)

    def train_cds(self):
        """--cds: one archive per JDK, trained by a foreground run (start, one GET, SIGTERM).

        JDK 25+: the AOT cache (-XX:AOTCacheOutput, JEP 514; then -XX:AOTCache). Older: a
        dynamic AppCDS archive (-XX:ArchiveClassesAtExit; then -XX:SharedArchiveFile)."""
        os.makedirs(os.path.join(self.work, "cds"), exist_ok=True)
        for suffix, java, home, version in self.jdks:
            feature = int(re.match(r"\d+", suffix).group(0)) if re.match(r"\d+", suffix) else 0
            path = os.path.join(self.work, "cds", "app-%s.%s" % (suffix, "aot" if feature >= 25 else "jsa"))
            train, use = (("-XX:AOTCacheOutput=", "-XX:AOTCache=") if feature >= 25 else
                          ("-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile="))
            tag = self.session.tag()
            port = free_port()
            p = Proc([java, self.tag_opt(tag), train + path, "-jar", self.jar, "--port=%d" % port],
                     os.path.join(self.run_dir(), "train.out"), self.env)
            ok = poll_health(port, p.t0, p.t0 + int(60e9)) is not None
            os.kill(p.pid, signal.SIGTERM)
            p.wait(120)
            self.session.end(tag)
            if ok and os.path.isfile(path):
                self.cds_use[java] = [use + path]
                self.say("bench: --cds: trained %s for JDK %s" % (path, suffix))
            else:
                self.skipped["jdaemon-cds@" + suffix] = "training the archive failed: %r" % p.output()[-300:]

    def section_ready(self):
        if self.args.cds:
            self.train_cds()
        variants = self.variants()
        if self.args.variants:
            variants = {k: v for k, v in variants.items()
                        if self.base_name(k) in self.args.variants
                        or self.base_name(k) in ("foreground", "foreground-cds", "jdaemon-cds")}
        for name, why in self.skipped.items():
            self.say("bench: skipping %s: %s" % (name, why))
        names = list(variants)
        kinds = ["empty"] if self.peers_jar and os.path.isfile(self.peers_jar) else []
        kinds.append("java-version")
        boots = [self.jdk_key(k, i) for i in range(len(self.jdks)) for k in kinds]
        runs = {n: [] for n in names + boots}
        rng = random.Random(6)
        total = self.args.warmup + self.args.runs
        for i in range(total):
            order = names + boots
            rng.shuffle(order)
            self.say("bench: time to ready, round %d/%d%s" % (
                i + 1, total, " (warm-up)" if i < self.args.warmup else ""))
            for n in order:
                r = self.bare_boot_run(n) if n in boots else self.ready_run(n, variants[n])
                if i >= self.args.warmup:
                    runs[n].append(r)
                if not r["ok"]:
                    self.say("bench: %s did not get ready within %.0f s; output: %r; its processes "
                             "then: %s" % (n, self.args.ready_timeout, r.get("output", "")[-300:],
                                           "; ".join(r.get("processes", [])) or "none"))
        self.results["ready"] = runs
        self.results["labels"] = {n: variants[n]["label"] for n in names}
        self.results["returns"] = {n: variants[n]["returns"] for n in names}

    # ---- split of our overhead from the JVMs' class-load logs ---------------------------------

    LOG_RE = re.compile(r"^\[(\d+)ns\]\[([^\]]*)\]\s?(.*)$")

    def read_xlog(self, path):
        """[(t_ns, tags, name, source)] of a -Xlog file with the timenanos,tags decorations."""
        events = []
        with open(path, errors="replace") as f:
            for line in f:
                m = self.LOG_RE.match(line.rstrip("\n"))
                if not m:
                    continue
                t, tags, msg = int(m.group(1)), m.group(2).strip(), m.group(3)
                name, source = None, None
                if tags == "class,load":
                    name, _, rest = msg.partition(" ")
                    source = rest.replace("source: ", "", 1)
                events.append((t, tags, name, source))
        return events

    @staticmethod
    def first_class(events, prefix, exact=True):
        for t, tags, name, _ in events:
            if name is not None and (name == prefix if exact else name.startswith(prefix)):
                return t
        return None

    @staticmethod
    def first_class_after(events, name, t_from):
        """When class name was first loaded at or after t_from, or None."""
        if t_from is None:
            return None
        for t, tags, n, _ in events:
            if n == name and t >= t_from:
                return t
        return None

    @staticmethod
    def classes_between(events, t_from, t_to):
        return [(name, src) for t, tags, name, src in events
                if name is not None and t_from is not None and t_to is not None
                and t_from <= t < t_to]

    def split_run(self, daemon):
        tag = self.session.tag()
        d = self.run_dir()
        port = free_port()
        xlog = "-Xlog:class+load=info,os=info:file=%s/cl-%%p.log:timenanos,tags" % d
        argv = [self.java_real, self.tag_opt(tag), xlog, "-jar", self.jar]
        if daemon:
            argv += ["--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d]
        argv.append("--port=%d" % port)
        p = Proc(argv, os.path.join(d, "launch.out"), self.env)
        r = dict(ok=False)
        if daemon:
            p.wait(self.args.start_timeout)
            m = re.search(r"started, pid (\d+)", p.output())
            r["ok"] = p.status == 0 and m is not None and healthy(port)
            if r["ok"]:
                r["t0"], r["t_return"] = p.t0, p.t_exit
                r["launcher_log"] = os.path.join(d, "cl-%d.log" % p.pid)
                r["daemon_log"] = os.path.join(d, "cl-%s.log" % m.group(1))
        else:
            t_health = poll_health(port, p.t0, p.t0 + int(self.args.start_timeout * 1e9))
            r["ok"] = t_health is not None
            if r["ok"]:
                r["t0"], r["t_health"] = p.t0, t_health
                r["fg_log"] = os.path.join(d, "cl-%d.log" % p.pid)
        self.session.end(tag)
        p.kill()
        if not r["ok"]:
            return r
        main = "io.jdaemon.examples.HealthService"
        if daemon:
            L = self.read_xlog(r["launcher_log"])
            D = self.read_xlog(r["daemon_log"])
            # The launcher builds Readiness$Settings and then opens Readiness$Listener (mkdir
            # 0700, write the settings file, rename): the step starts at whichever loads first.
            l_readiness = [t for t in (self.first_class(L, "io.jdaemon.internal.Readiness$Settings"),
                                       self.first_class(L, "io.jdaemon.internal.Readiness$Listener"))
                           if t is not None]
            d_service = self.first_class(D, "com.sun.net.httpserver.HttpServer")
            mk = dict(
                t0=r["t0"],
                l_main=self.first_class(L, main),
                l_launcher=self.first_class(L, "io.jdaemon.internal.Launcher"),
                l_helper=self.first_class(L, "io.jdaemon.internal.HelperBinary"),
                l_cmdline=self.first_class(L, "io.jdaemon.internal.JvmCommandLine"),
                l_readiness=min(l_readiness) if l_readiness else None,
                l_spawn=self.first_class(L, "java.lang.ProcessBuilder"),
                d_first=D[0][0] if D else None,
                d_main=self.first_class(D, main),
                d_side=self.first_class(D, "io.jdaemon.internal.DaemonSide"),
                # Reporter.connect: the directory's checks; Settings: decoded in hello, once
                # the settings file has been read.
                d_reporter=self.first_class(D, "io.jdaemon.internal.Readiness$Reporter"),
                d_settings=self.first_class(D, "io.jdaemon.internal.Readiness$Settings"),
                d_signals=self.first_class(D, "io.jdaemon.internal.Signals"),
                d_service=d_service,
                # The daemon's first Files.write and Files.move after the service started: the
                # Reporter writing the outcome file (READY) and renaming it into place.
                d_ready=min([t for t in (self.first_class_after(D, n, d_service) for n in (
                    "java.nio.channels.Channels$1", "sun.nio.ch.ChannelOutputStream",
                    "java.nio.file.StandardCopyOption")) if t is not None], default=None),
                # Readiness$Outcome: built by the launcher's poll once it read the outcome file.
                l_outcome=self.first_class(L, "io.jdaemon.internal.Readiness$Outcome"),
                t_return=r["t_return"],
            )
            lc = [(n, s) for _, _, n, s in L if n is not None]
            dc = [(n, s) for _, _, n, s in D if n is not None]
            r.update(markers=mk, launcher_classes=lc, daemon_classes=dc,
                     launcher_events=L, daemon_events=D)
        else:
            F = self.read_xlog(r["fg_log"])
            mk = dict(
                t0=r["t0"],
                f_first=F[0][0] if F else None,
                f_main=self.first_class(F, main),
                f_service=self.first_class(F, "com.sun.net.httpserver.HttpServer"),
                t_health=r["t_health"],
            )
            r.update(markers=mk, fg_classes=[(n, s) for _, _, n, s in F if n is not None],
                     fg_events=F)
        return r

    def section_split(self):
        ours, fg = [], []
        n = self.args.split_runs
        for i in range(n):
            self.say("bench: overhead split, run %d/%d" % (i + 1, n))
            ours.append(self.split_run(True))
            fg.append(self.split_run(False))
        self.results["split"] = dict(ours=[r for r in ours if r["ok"]], fg=[r for r in fg if r["ok"]])

    def helper_alone(self):
        """The helper by itself (fork, setsid, fork, stdio, exec) running /bin/true, vs spawning
        /bin/true directly; times until the helper's output ends (exec of the grandchild)."""
        helpers = sorted(glob.glob(os.path.join(self.env["XDG_CACHE_HOME"], "jdaemon",
                                                "jdaemon-helper-*")))
        if not helpers:
            return None
        helper = helpers[-1]
        true = shutil.which("true")
        res = {"helper": [], "direct": []}
        for i in range(self.args.runs + 2):
            for kind in ("helper", "direct"):
                argv = ([helper, "--log", "/dev/null", "--workdir", "/", "--umask", "22",
                         "--sighup", "inherit", "--", true] if kind == "helper" else [true])
                t0 = now()
                out = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=self.env)
                t1 = now()
                if i >= 2 and out.returncode == 0:
                    res[kind].append(ms(t1 - t0))
        return res

    # ---- control commands ------------------------------------------------------------------

    def section_control(self):
        res = {"start": [], "status": [], "stop": [], "status_stopped": [], "stop_ok": []}
        for i in range(self.args.runs):
            self.say("bench: control commands, run %d/%d" % (i + 1, self.args.runs))
            tag = self.session.tag()
            d = self.run_dir()
            port = free_port()
            pidf = d + "/d.pid"
            base = [self.java_real, self.tag_opt(tag), "-jar", self.jar]
            start = Proc(base + ["--daemon", "--pidfile=" + pidf, "--log=" + d + "/d.log",
                                 "--port=%d" % port], d + "/start.out", self.env)
            start.wait(self.args.start_timeout)
            if start.status != 0:
                self.say("bench: control: start failed: " + start.output()[-300:])
                self.session.end(tag)
                continue
            res["start"].append(ms(start.t_exit - start.t0))
            spid = serving_pid(port)
            st = Proc(base + ["--daemon=status", "--pidfile=" + pidf], d + "/status.out", self.env)
            st.wait(60)
            res["status"].append(ms(st.t_exit - st.t0) if st.status == 0 else None)
            sp = Proc(base + ["--daemon=stop", "--pidfile=" + pidf], d + "/stop.out", self.env)
            sp.wait(60)
            gone = spid is not None and not alive(spid) and not os.path.exists(pidf)
            res["stop"].append(ms(sp.t_exit - sp.t0) if sp.status == 0 else None)
            res["stop_ok"].append(sp.status == 0 and gone)
            st2 = Proc(base + ["--daemon=status", "--pidfile=" + pidf], d + "/status2.out", self.env)
            st2.wait(60)
            res["status_stopped"].append(ms(st2.t_exit - st2.t0) if st2.status == 3 else None)
            self.session.end(tag)
        res["classes"] = self.control_classes()
        self.results["control"] = res

    @staticmethod
    def top_packages(classes, n=5):
        pk = {}
        for name, _ in classes:
            p = name.rsplit(".", 1)[0] if "." in name else name
            p = re.sub(r"\$.*", "", p)
            pk[p] = pk.get(p, 0) + 1
        return ", ".join("%s %d" % kv for kv in sorted(pk.items(), key=lambda kv: -kv[1])[:n])

    def control_classes(self):
        """One run of status and of stop with their class loads logged."""
        tag = self.session.tag()
        d = self.run_dir()
        port = free_port()
        pidf = d + "/d.pid"
        start = Proc([self.java_real, self.tag_opt(tag), "-jar", self.jar, "--daemon",
                      "--pidfile=" + pidf, "--log=" + d + "/d.log", "--port=%d" % port],
                     d + "/start.out", self.env)
        start.wait(self.args.start_timeout)
        res = {}
        if start.status == 0:
            for action in ("status", "stop"):
                xlog = "-Xlog:class+load=info:file=%s/cl-%s-%%p.log:timenanos,tags" % (d, action)
                p = Proc([self.java_real, self.tag_opt(tag), xlog, "-jar", self.jar,
                          "--daemon=" + action, "--pidfile=" + pidf], d + "/%s.out" % action,
                         self.env)
                p.wait(60)
                try:
                    events = self.read_xlog("%s/cl-%s-%d.log" % (d, action, p.pid))
                except OSError:
                    continue
                t_main = self.first_class(events, "io.jdaemon.examples.HealthService")
                if t_main is None:
                    continue
                classes = [(n, src) for _, _, n, src in events if n is not None]
                after = self.classes_between(events, t_main, p.t_exit)
                res[action] = dict(total_ms=ms(p.t_exit - p.t0), boot_ms=ms(t_main - p.t0),
                                   after_main_ms=ms(p.t_exit - t_main), classes=len(classes),
                                   after_main_classes=len(after), top=self.top_packages(after))
        self.session.end(tag)
        return res

    # ---- footprint ---------------------------------------------------------------------------

    @staticmethod
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

    def section_footprint(self):
        res = {"foreground": [], "jdaemon": []}
        for i in range(self.args.footprint_runs):
            self.say("bench: footprint, run %d/%d" % (i + 1, self.args.footprint_runs))
            for kind in ("foreground", "jdaemon"):
                tag = self.session.tag()
                d = self.run_dir()
                port = free_port()
                argv = [self.java_real, self.tag_opt(tag), "-jar", self.jar, "--port=%d" % port]
                if kind == "jdaemon":
                    argv[4:4] = ["--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d]
                # The foreground's output goes to a file of the same name as the daemon's log.
                p = Proc(argv, d + ("/d.log" if kind == "foreground" else "/out"), self.env)
                if poll_health(port, p.t0, p.t0 + int(self.args.start_timeout * 1e9)) is None:
                    self.say("bench: footprint: %s did not get ready" % kind)
                    self.session.end(tag)
                    p.kill()
                    continue
                if kind == "jdaemon":
                    p.wait(30)
                for _ in range(20):
                    healthy(port)
                time.sleep(1.0)
                spid = serving_pid(port)
                res[kind].append(self.footprint(spid))
                self.session.end(tag)
                p.kill()
        self.results["footprint"] = res

    # ---- scale ---------------------------------------------------------------------------------

    def scale_once(self, n, daemon):
        tag = self.session.tag()
        dirs = [self.run_dir() for _ in range(n)]
        ports = [free_port() for _ in range(n)]
        base = [self.java_real, self.tag_opt(tag), "-jar", self.jar]
        r = dict(n=n, ok=0)
        t0 = now()
        if daemon:
            procs = [Proc(base + ["--daemon", "--pidfile=%s/d.pid" % d, "--log=%s/d.log" % d,
                                  "--port=%d" % p], d + "/start.out", self.env)
                     for d, p in zip(dirs, ports)]
            for p in procs:
                p.wait(self.args.start_timeout + 30)
            r["start_ms"] = ms(max(p.t_exit or now() for p in procs) - t0)
            r["ok"] = sum(1 for p, port in zip(procs, ports) if p.status == 0 and healthy(port))
            pids = [serving_pid(port) for port in ports]
            t1 = now()
            stops = [Proc(base + ["--daemon=stop", "--pidfile=%s/d.pid" % d], d + "/stop.out",
                          self.env) for d in dirs]
            for p in stops:
                p.wait(120)
            r["stop_ms"] = ms(max(p.t_exit or now() for p in stops) - t1)
            r["stopped"] = sum(1 for p, pid in zip(stops, pids)
                               if p.status == 0 and pid is not None and not alive(pid))
        else:
            procs = [Proc(base + ["--port=%d" % p], d + "/out", self.env)
                     for d, p in zip(dirs, ports)]
            pending = set(ports)
            deadline = t0 + int((self.args.start_timeout + 30) * 1e9)
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
        self.session.end(tag)
        for p in procs:
            p.kill()
        return r

    def section_scale(self):
        res = []
        for n in self.args.scale:
            reps = self.args.scale_reps if n < 50 else max(1, self.args.scale_reps - 1)
            for kind in ("foreground", "jdaemon"):
                for i in range(reps):
                    self.say("bench: scale N=%d %s, rep %d/%d" % (n, kind, i + 1, reps))
                    r = self.scale_once(n, kind == "jdaemon")
                    r["kind"] = kind
                    res.append(r)
        self.results["scale"] = res

    # ---- 100 consecutive starts --------------------------------------------------------------

    def section_consecutive(self):
        n = self.args.consecutive
        tag = self.session.tag()
        d = self.run_dir()
        port = free_port()
        pidf = d + "/d.pid"
        base = [self.java_real, self.tag_opt(tag), "-jar", self.jar]
        ok, hangs, failures, starts, stops = 0, 0, [], [], []
        for i in range(n):
            if i % 20 == 0:
                self.say("bench: consecutive starts %d-%d/%d" % (i + 1, min(n, i + 20), n))
            s = Proc(base + ["--daemon", "--pidfile=" + pidf, "--log=" + d + "/d.log",
                             "--port=%d" % port], d + "/start.out", self.env)
            if not s.wait(self.args.start_timeout + 30):
                hangs += 1
                self.session.end(tag)
                s.kill()
                continue
            spid = serving_pid(port)
            if s.status != 0 or not healthy(port) or spid is None:
                failures.append("start %d: exit %s, health %s" % (i + 1, s.status, healthy(port)))
                self.session.end(tag)
                continue
            starts.append(ms(s.t_exit - s.t0))
            st = Proc(base + ["--daemon=stop", "--pidfile=" + pidf], d + "/stop.out", self.env)
            if not st.wait(90):
                hangs += 1
                self.session.end(tag)
                st.kill()
                continue
            stops.append(ms(st.t_exit - st.t0))
            if st.status != 0 or alive(spid) or os.path.exists(pidf):
                failures.append("stop %d: exit %s, alive %s, pidfile %s" % (
                    i + 1, st.status, alive(spid), os.path.exists(pidf)))
                self.session.end(tag)
                continue
            ok += 1
        self.session.end(tag)
        self.results["consecutive"] = dict(n=n, ok=ok, hangs=hangs, failures=failures,
                                           starts=starts, stops=stops)

    # ---- cold first use of JDK facilities ------------------------------------------------------

    FIRST_USE = [
        ("nothing", "nothing (the clock itself)"),
        ("string-concat", "`\"t \" + long` (indy string concatenation, javac's default since 9)"),
        ("string-builder", "the same with `StringBuilder` (`-XDstringConcat=inline` compiles to this)"),
        ("lambda", "a lambda"),
        ("stream", "a stream with a method reference"),
        ("regex", "`Pattern.compile(…).matcher(…).matches()`"),
        ("sha-256", "`MessageDigest.getInstance(\"SHA-256\")` over 64 KiB"),
        ("crc32", "`java.util.zip.CRC32` over 64 KiB"),
        ("hexformat", "`HexFormat.of().formatHex`"),
        ("securerandom", "`SecureRandom.getInstance(\"NativePRNGNonBlocking\")`"),
        ("temp-dir", "`Files.createTempDirectory` (seeds a SecureRandom)"),
        ("private-dir", "`Files.createDirectory` with a 0700 attribute, write a file, atomic rename, "
                        "read it back"),
        ("tcp-socket", "loopback TCP `ServerSocketChannel` bind"),
        ("file-lock", "`FileChannel.open` + `tryLock`"),
        ("resource", "read a class-path resource from the jar"),
        ("pid", "`ProcessHandle.current().pid()`"),
        ("proc-self", "`Files.readSymbolicLink(/proc/self)`"),
        ("process", "`ProcessBuilder(\"/bin/true\").start().waitFor()`"),
    ]

    def section_first_use(self):
        if not (self.peers_jar and os.path.isfile(self.peers_jar)):
            self.skipped["first use"] = "the peer services (bench/peers) were not built"
            return
        self.say("bench: cold first use of JDK facilities")
        tmp = os.path.join(self.work, "firstuse")
        os.makedirs(tmp, exist_ok=True)
        res = {name: [] for name, _ in self.FIRST_USE}
        for i in range(self.args.first_use_runs):
            for name, _ in self.FIRST_USE:
                out = subprocess.run([self.java_real, "-cp", self.peers_jar,
                                      "io.jdaemon.bench.peers.FirstUse", name, tmp],
                                     capture_output=True, text=True, env=self.env, timeout=60)
                if out.returncode == 0 and out.stdout.strip().isdigit():
                    res[name].append(int(out.stdout.strip()) / 1000.0)
        self.results["first_use"] = res

    def report_first_use(self, w):
        res = self.results.get("first_use")
        if not res:
            return
        w("### 7. Cold first use of JDK facilities (ms)")
        w("")
        w("Each in a fresh JVM (`io.jdaemon.bench.peers.FirstUse NAME`), timed inside it around "
          "that one operation; medians of %d. The costs overlap (the first lambda, stream and "
          "indy call share the method-handle infrastructure; SHA-256, SecureRandom and "
          "`Files.createTempDirectory` share the JCA provider set-up; the file operations share "
          "the NIO file-channel classes), so they do not add up; they say what a start-up "
          "path pays for touching each one first." % self.args.first_use_runs)
        w("")
        w("| first use of | median | min–max |")
        w("|---|---:|---:|")
        for name, label in self.FIRST_USE:
            m, r = summary(res.get(name, []), 1)
            w("| %s | %s | %s |" % (label, m, r))
        w("")

    # ---- report --------------------------------------------------------------------------------

    def environment(self):
        def cmd(argv):
            try:
                done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
                return done.stdout + done.stderr
            except (OSError, subprocess.SubprocessError):
                return ""
        java = cmd([self.java_real, "-version"]).strip().splitlines()
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
                    load_start=self.load_start, load_end=load,
                    java=java[1] if len(java) > 1 else " ".join(java), packages=pkgs,
                    commit=self.args.commit, date=time.strftime("%Y-%m-%d %H:%M %Z"))

    def report(self):
        out = []
        w = out.append
        env = self.environment()
        self.results["environment"] = env
        w("## Results")
        w("")
        w("Run of %s on %s, kernel %s, %s, %d cores; %s; jdaemon %s. Medians of %d runs after %d "
          "warm-up round(s); min–max in the next column; × is the ratio to the foreground "
          "baseline's median." % (env["date"], env["os"], env["kernel"], env["cpu"], env["cores"],
                                  env["java"], env["commit"], self.args.runs, self.args.warmup))
        w("Load average (1, 5, 15 min) at the start: %s; at the end: %s (other work on the "
          "machine shows here and widens the min–max). 1-minute load at the start → end of each "
          "section: %s." % (env["load_start"], env["load_end"], ", ".join(
              "%s %s → %s (%.0f s)" % (k, fmt(v["start"], 1), fmt(v["end"], 1), v["seconds"])
              for k, v in self.results.get("load", {}).items())))
        if len(self.jdks) > 1:
            w("JDKs, interleaved in section 1 (the first also runs every other section): " + "; ".join(
                "JDK %s `%s` (%s)" % (j[0], j[1], j[3]) for j in self.jdks) + ".")
        if env["packages"]:
            w("Peers: " + ", ".join("%s %s" % kv for kv in sorted(env["packages"].items())) + ".")
        w("")
        ready = self.results["ready"]
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
        labels = dict(self.results["labels"])
        for i, jdk in enumerate(self.jdks):
            on = " — JDK %s" % jdk[0] if len(self.jdks) > 1 else ""
            labels[self.jdk_key("empty", i)] = "bare JVM boot: empty `main` (exit)" + on
            labels[self.jdk_key("java-version", i)] = "bare JVM boot: `java -version` (exit)" + on
        for name, runs in ready.items():
            fg = med([r.get("health_ms") for r in ready.get(self.baseline_of(name), [])])
            good = [r for r in runs if r["ok"]]
            hm, hr = summary([r.get("health_ms") for r in good])
            returns = self.results["returns"].get(name, False)
            if returns:
                rm, rr = summary([r.get("return_ms") for r in good])
                lag = med([r["return_ms"] - r["health_ms"] for r in good])
                n_ar = sum(1 for r in good if r.get("ready_at_return"))
                after = med([r.get("answer_after_return_ms") for r in good])
                rar = "%d/%d" % (n_ar, len(good)) + (", in %s ms" % fmt(after) if n_ar else "")
                lag = ("%+.0f" % lag) if lag is not None else "n/a"
            else:
                rm, rr, lag, rar = "—", "—", "—", "—"
            if self.base_name(name) in ("empty", "java-version"):
                hm, hr = summary([r.get("return_ms") for r in good])
                bound = "—"
            else:
                bound = fmt(med([r["health_ms"] - r["bound_ms"] for r in good
                                 if r.get("bound_ms") is not None]))
            cpu = med([r.get("cpu_ms") for r in good])
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
                labels.get(name, name), hm, hr, ratio(med([r.get("health_ms") for r in good]), fg),
                rm, rr, lag, rar, bound, fmt(cpu), len(runs) - len(good)))
        for name, why in self.skipped.items():
            w("| %s | skipped: %s | | | | | | | | | |" % (name, why))
        w("")
        for name, runs in ready.items():
            for r in runs:
                if not r["ok"]:
                    w("- %s: not ready within %.0f s (%s); its processes then: %s" % (
                        labels.get(name, name), self.args.ready_timeout,
                        "the command had returned" if r.get("returned") else "the command had not returned",
                        "; ".join(r.get("processes", [])) or "none"))
        if any(not r["ok"] for runs in ready.values() for r in runs):
            w("")
        self.report_split(w)
        self.report_control(w)
        self.report_footprint(w)
        self.report_scale(w)
        self.report_consecutive(w)
        self.report_first_use(w)
        self.report_targets(w)
        return "\n".join(out) + "\n"

    def logging_cost(self, ours, fg):
        """How far the logged totals of section 2 are above section 1's unlogged medians."""
        ready = self.results.get("ready", {})
        ret = med([r.get("return_ms") for r in ready.get("jdaemon", []) if r["ok"]])
        fgh = med([r.get("health_ms") for r in ready.get("foreground", []) if r["ok"]])
        lo = med([ms(r["markers"]["t_return"] - r["markers"]["t0"]) for r in ours])
        lf = med([ms(r["markers"]["t_health"] - r["markers"]["t0"]) for r in fg])
        return (fmt(lo - ret) if None not in (lo, ret) else "?",
                fmt(lf - fgh) if None not in (lf, fgh) else "?")

    def report_split(self, w):
        sp = self.results.get("split")
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
              len(ours), *self.logging_cost(ours, fg)))
        w("")
        rows = [
            ("launcher JVM boot (exec → main class loaded)", seg(ours, "t0", "l_main"), None),
            ("launcher: flags, options (main → Launcher)", seg(ours, "l_main", "l_launcher"), None),
            ("launcher: pidfile and log checks",
             seg(ours, "l_launcher", "l_helper"), None),
            ("launcher: helper locate (CRC-32 and size from the jar's directory, the cached "
             "copy's owner, mode, size, CRC-32)", seg(ours, "l_helper", "l_cmdline"), None),
            ("launcher: JVM command line from /proc", seg(ours, "l_cmdline", "l_readiness"), None),
            ("launcher: readiness directory + settings (mkdir 0700, write, rename), abort hook, "
             "helper access(X_OK)", seg(ours, "l_readiness", "l_spawn"), None),
            ("ProcessBuilder → daemon JVM alive (jspawnhelper, helper fork/setsid/fork/stdio/exec)",
             seg(ours, "l_spawn", "d_first"), seg(fg, "t0", "f_first")),
            ("service JVM boot (first log line → main class)", seg(ours, "d_first", "d_main"),
             seg(fg, "f_first", "f_main")),
            ("daemon: flags before setup", seg(ours, "d_main", "d_side"), None),
            ("daemon setup: DaemonSide linked, PID from /proc/self", seg(ours, "d_side", "d_reporter"),
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
        chain = ("t0 l_main l_launcher l_helper l_cmdline l_readiness l_spawn d_first d_main "
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
          "markers (the first load of: the main class, `Launcher`, `HelperBinary`, "
          "`JvmCommandLine`, `Readiness$Settings` in the launcher, `ProcessBuilder`; the daemon "
          "JVM's first log line, its main class, `DaemonSide`, `Readiness$Reporter`, "
          "`Readiness$Settings`, `Signals`, `HttpServer`, then its first file output stream "
          "(`Channels$1` on JDK 17, `ChannelOutputStream` later) or `StandardCopyOption` (the "
          "outcome file written and renamed); `Readiness$Outcome` in the launcher; the launcher's exit) "
          "were in order in %d of %d runs; a median of each row is not the row of the median "
          "run, so the sum of the rows differs a little from the median total." % (
              complete, len(ours)))
        w("")
        # helper alone
        ha = self.results.get("helper_alone")
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
        self.results["launcher_class_counts"] = dict(
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
            ("launcher: pidfile, log checks", r0["launcher_events"], mk["l_launcher"], mk["l_helper"]),
            ("launcher: helper locate", r0["launcher_events"], mk["l_helper"], mk["l_cmdline"]),
            ("launcher: command line", r0["launcher_events"], mk["l_cmdline"], mk["l_readiness"]),
            ("launcher: readiness directory + settings, abort hook, X_OK", r0["launcher_events"],
             mk["l_readiness"], mk["l_spawn"]),
            ("launcher: spawn (ProcessBuilder → daemon JVM alive)", r0["launcher_events"],
             mk["l_spawn"], mk["d_first"]),
            ("launcher: wait for READY", r0["launcher_events"], mk["d_first"], mk["l_outcome"]),
            ("launcher: print, exit", r0["launcher_events"], mk["l_outcome"], mk["t_return"]),
            ("daemon: JVM boot (first log line → main class)", r0["daemon_events"], mk["d_first"],
             mk["d_main"]),
            ("daemon: flags", r0["daemon_events"], mk["d_main"], mk["d_side"]),
            ("daemon: DaemonSide, PID", r0["daemon_events"], mk["d_side"], mk["d_reporter"]),
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
            cl = self.classes_between(events, a, b)
            w("| %s | %.1f | %d | %s |" % (label, ms(b - a), len(cl), self.top_packages(cl)))
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
                t = self.first_class(events, cls, exact=not cls.endswith("/"))
                return "%.1f" % ms(t - t_main) if t is not None and t_main is not None else "—"
            w("| %s (`%s`) | %s | %s | %s |" % (
                label, cls.rsplit(".", 1)[1], at(r0["launcher_events"], mk["l_main"]),
                at(r0["daemon_events"], mk["d_main"]), at(fg[len(fg) // 2]["fg_events"], fmk["f_main"])))
        w("")

    def report_control(self, w):
        c = self.results.get("control")
        if not c:
            return
        boot = med([r.get("return_ms") for r in self.results["ready"].get("empty", [])])
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

    def report_footprint(self, w):
        f = self.results.get("footprint")
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

    def report_scale(self, w):
        s = self.results.get("scale")
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
        for n in self.args.scale:
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

    def report_consecutive(self, w):
        c = self.results.get("consecutive")
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

    def report_targets(self, w):
        ready = self.results["ready"]

        def h(name):
            return med([r.get("health_ms") for r in ready.get(name, []) if r["ok"]])

        ours = h("jdaemon")
        w("### Targets")
        w("")
        w("| target | measured | verdict |")
        w("|---|---|---|")
        for i, jdk in enumerate(self.jdks):
            fg_i, ours_i = h(self.jdk_key("foreground", i)), h(self.jdk_key("jdaemon", i))
            boot = med([r.get("return_ms") for r in ready.get(self.jdk_key("empty", i), [])
                        if r["ok"]])
            kind = "empty `main`"
            if boot is None:
                boot = med([r.get("return_ms") for r in ready.get(self.jdk_key("java-version", i), [])
                            if r["ok"]])
                kind = "`java -version`"
            if None not in (fg_i, ours_i, boot):
                limit = fg_i + boot + 15
                w("| ready within foreground + one bare JVM boot (%s) + 15 ms%s | %.0f ms vs limit "
                  "%.0f + %.0f + 15 = %.0f ms | %s by %.0f ms |" % (
                      kind, " (JDK %s)" % jdk[0] if len(self.jdks) > 1 else "", ours_i, fg_i, boot,
                      limit, "met" if ours_i <= limit else "**missed**", abs(ours_i - limit)))
        good = [r for r in ready.get("jdaemon", []) if r["ok"]]
        if good:
            lag = med([r["return_ms"] - r["health_ms"] for r in good])
            rar = sum(1 for r in good if r.get("ready_at_return"))
            others = []
            for n in ("nohup", "setsid", "daemonize", "start-stop-daemon", "akuma", "jsvc"):
                g = [r for r in ready.get(n, []) if r["ok"]]
                if g:
                    others.append("%s %+.0f ms" % (n, med([r["return_ms"] - r["health_ms"] for r in g])))
            met = rar == len(good) and lag is not None and lag <= 20
            w("| launcher returns at ready (not before, not seconds after) | a GET sent at return "
              "answered in %d/%d runs; return − first /health answer: median %+.0f ms (others: %s) "
              "| %s |" % (rar, len(good), lag, ", ".join(others), "met" if met else "**missed**"))
        ak = h("akuma")
        if ours is not None and ak is not None:
            w("| faster to ready than akuma | %.0f ms vs %.0f ms | %s by %.0f ms |" % (
                ours, ak, "met" if ours < ak else "**missed**", abs(ak - ours)))
        elif ours is not None:
            w("| faster to ready than akuma | akuma skipped: %s | not measured |" %
              self.skipped.get("akuma", "not selected"))
        c = self.results.get("consecutive")
        if c:
            bad = c["hangs"] + len(c["failures"])
            w("| zero hangs/failures in %d consecutive starts | %d ok, %d hangs, %d failures | %s |" % (
                c["n"], c["ok"], c["hangs"], len(c["failures"]),
                "met" if bad == 0 and c["ok"] == c["n"] else "**missed**"))
        cc = self.results.get("launcher_class_counts")
        if cc:
            jna = max(cc["jna"])
            slf = max(cc["slf4j"])
            w("| launcher loads no JNA (and no slf4j binding) | %s classes loaded (median); "
              "com.sun.jna: %d, org.slf4j: %d (max over %d runs) | %s |" % (
                  fmt(med(cc["total"])), jna, slf, len(cc["jna"]),
                  "met" if jna == 0 and slf == 0 else "**missed**"))
        f = self.results.get("footprint")
        if f and f["foreground"] and f["jdaemon"]:
            parts = []
            worst = 0
            for key, label in (("rss_kb", "RSS"), ("threads", "threads"), ("fds", "fds")):
                a = med([x[key] for x in f["foreground"]])
                b = med([x[key] for x in f["jdaemon"]])
                d = (b / a - 1) * 100
                parts.append("%s %+.1f%% (%s → %s)" % (label, d, fmt(a), fmt(b)))
                if key == "rss_kb":
                    worst = abs(d)
            w("| daemon footprint within 2%% of foreground | %s | RSS %s |" % (
                "; ".join(parts), "met" if worst <= 2 else "**missed**"))
        w("")

    def run(self):
        t_start = time.monotonic()
        sections = self.args.sections
        load = self.results["load"] = {}

        def timed(name, fn):
            before = loadavg()
            t = time.monotonic()
            fn()
            load[name] = dict(start=before, end=loadavg(), seconds=time.monotonic() - t)

        timed("ready", self.section_ready)  # always: the baselines of every other section
        if "split" in sections:
            self.results["helper_alone"] = self.helper_alone()
            timed("split", self.section_split)
        if "control" in sections:
            timed("control", self.section_control)
        if "footprint" in sections:
            timed("footprint", self.section_footprint)
        if "scale" in sections:
            timed("scale", self.section_scale)
        if "consecutive" in sections:
            timed("consecutive", self.section_consecutive)
        if "firstuse" in sections:
            timed("firstuse", self.section_first_use)
        text = self.report()
        text += "\nWhole run: %.0f s.\n" % (time.monotonic() - t_start)
        return text


def main():
    ap = argparse.ArgumentParser(description=__doc__)
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
                    default={"split", "control", "footprint", "scale", "consecutive", "firstuse"},
                    help="comma-separated subset of split,control,footprint,scale,consecutive,"
                         "firstuse (time to ready always runs)")
    ap.add_argument("--first-use-runs", type=int, default=5)
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
    text = bench.run()
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


if __name__ == "__main__":
    main()
