"""Section "restart": how long a service is off the air while it restarts, and how many requests
fail, under a loopback load. Per service (the example; the Spring Boot sample with --spring-jar),
three ways, each run --restarts times on one daemon:

  stop+start   --daemon=stop, then --daemon again (the port is bound anew)
  restart      --daemon=restart of a daemon that binds its own port (not seamless)
  handover     --daemon=restart of a daemon started with --listen: the new daemon takes the
               running one's listening socket (pidfd_getfd), the old one stops once the new one
               is ready

A load of --restart-clients threads (half with a new connection per request, half keeping one
alive) runs throughout; per restart: the longest gap between two answers (over all clients), the
requests refused (nothing listening) and failed (reset, closed unanswered, an error status), and
the requests a kept-alive connection had to send again because the server closed it between two
requests (every HTTP client does that; not a failure)."""

import http.client
import os
import threading
import time

from .loopback import free_port
from .procs import Proc
from .stats import fmt, med


class Load:
    """Clients sending GET path one after the other until stopped, counting what came back."""

    def __init__(self, port, path, clients):
        self.port, self.path = port, path
        self.answers = []  # time.monotonic() of every answer
        self.refused = self.failed = self.retried = 0
        self.errors = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self._run, args=(i % 2 == 1,), daemon=True)
                        for i in range(clients)]
        for t in self.threads:
            t.start()

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join(15)

    def counts(self):
        with self.lock:
            return len(self.answers), self.refused, self.failed, self.retried

    def _fail(self, kind, e):
        with self.lock:
            setattr(self, kind, getattr(self, kind) + 1)
            if kind != "retried" and len(self.errors) < 20:
                self.errors.append(repr(e))

    def _run(self, keep_alive):
        conn = None
        while self.running:
            reused = conn is not None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", self.path, headers={} if keep_alive else {"Connection": "close"})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    raise RuntimeError("status %d" % r.status)
                with self.lock:
                    self.answers.append(time.monotonic())
                if not keep_alive or (r.getheader("Connection") or "").lower() == "close":
                    conn.close()
                    conn = None
            except ConnectionRefusedError as e:
                conn = None
                self._fail("refused", e)
                time.sleep(0.001)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                if conn is not None:
                    conn.close()
                conn = None
                self._fail("retried" if reused else "failed", e)
            except Exception as e:  # noqa: BLE001 - any other failure counts as one
                if conn is not None:
                    conn.close()
                conn = None
                self._fail("failed", e)

    def longest_gap(self, since, until):
        with self.lock:
            times = [t for t in self.answers if since <= t <= until]
        edges = [since] + sorted(times) + [until]
        return max(b - a for a, b in zip(edges, edges[1:]))


SERVICES = {
    # name: (path, its own port's flags, the flags that make it serve an inherited socket)
    "example": ("/health", lambda port: ["--port=%d" % port], []),
    "spring": ("/health", lambda port: ["--server.port=%d" % port],
               ["--sample.inherit-channel=true"]),
}


def run(bench):
    res = bench.results["restart"] = {}
    for service in ("example", "spring"):
        jar = bench.jar if service == "example" else bench.args.spring_jar
        if not jar:
            bench.skipped["restart-" + service] = "no --spring-jar given"
            continue
        for way in ("stop+start", "restart", "handover"):
            bench.say("bench: restart, %s, %s" % (service, way))
            res["%s %s" % (service, way)] = one_way(bench, service, jar, way)


def one_way(bench, service, jar, way):
    path, own_port, inherit = SERVICES[service]
    tag = bench.session.tag()
    d = bench.run_dir()
    port = free_port()
    pidf = d + "/d.pid"
    base = [bench.java_real, bench.tag_opt(tag), "-jar", jar]
    # the daemon's own start timeout too: a loaded machine starts Spring Boot in a minute
    common = ["--pidfile=" + pidf, "--log=" + d + "/d.log",
              "--start-timeout=%d" % int(bench.args.start_timeout)]
    serve = (["--listen=127.0.0.1:%d" % port] + inherit) if way == "handover" else own_port(port)
    timeout = bench.args.start_timeout

    def step(name, argv):
        p = Proc(base + argv, "%s/%s.out" % (d, name), bench.env)
        p.wait(timeout + 60)
        return p

    out = dict(gaps=[], refused=[], failed=[], retried=[], seconds=[], errors=[], exits=[])
    start = step("start", ["--daemon"] + common + serve)
    if start.status != 0:
        out["errors"].append("start: " + start.output()[-300:])
        bench.session.end(tag)
        return out
    load = Load(port, path, bench.args.restart_clients)
    try:
        time.sleep(0.5)  # the load under way before the first restart
        for i in range(bench.args.restarts):
            before = load.counts()
            t0 = time.monotonic()
            if way == "stop+start":
                a = step("stop%d" % i, ["--daemon=stop", "--pidfile=" + pidf])
                b = step("start%d" % i, ["--daemon"] + common + serve)
                status = a.status or b.status
            else:
                status = step("restart%d" % i, ["--daemon=restart", "--pidfile=" + pidf]).status
            t1 = time.monotonic()
            time.sleep(0.3)  # answers after the command returned count for this restart too
            after = load.counts()
            out["exits"].append(status)
            out["seconds"].append(t1 - t0)
            out["gaps"].append(1000 * load.longest_gap(t0, time.monotonic()))
            out["refused"].append(after[1] - before[1])
            out["failed"].append(after[2] - before[2])
            out["retried"].append(after[3] - before[3])
    finally:
        load.stop()
        out["errors"] += load.errors
        step("stop", ["--daemon=stop", "--pidfile=" + pidf])
        bench.session.end(tag)
    return out


def report(bench, w):
    res = bench.results.get("restart")
    if not res:
        return
    w("### Restart under load")
    w("")
    w("%d restarts each, %d clients on 127.0.0.1 (half a new connection per request, half kept "
      "alive). Unavailable: the longest gap between two answers while the restart ran (median, "
      "max); refused, failed: requests per restart (median, max); retried: requests a kept-alive "
      "connection sent again after the server closed it between two requests." % (
          bench.args.restarts, bench.args.restart_clients))
    w("")
    w("| service, way | unavailable ms | refused | failed | retried | command s | exits |")
    w("|---|---|---|---|---|---|---|")
    for key, r in res.items():
        if not r["gaps"]:
            w("| %s | (not run: %s) | | | | | |" % (key, "; ".join(r["errors"])[:200]))
            continue

        def mm(xs, nd=0):
            return "%s (%s)" % (fmt(med(xs), nd), fmt(max(xs), nd))
        w("| %s | %s | %s | %s | %s | %s | %s |" % (
            key, mm(r["gaps"]), mm(r["refused"]), mm(r["failed"]), mm(r["retried"]),
            mm(r["seconds"], 2), ",".join(str(x) for x in sorted(set(r["exits"])))))
    w("")
    errors = sorted({e for r in res.values() for e in r["errors"]})
    if errors:
        w("Failures seen: " + "; ".join(errors[:10]) + ".")
        w("")
