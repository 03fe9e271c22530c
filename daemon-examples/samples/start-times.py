#!/usr/bin/env python3
"""Start time of each framework sample in the foreground and as a daemon, interleaved.

Foreground: from starting `java -jar SAMPLE ARGS` until GET / answers (polled every 5 ms).
Daemon: from starting `java -jar SAMPLE ARGS --daemon ...` until the launcher exits 0 (then GET /
must answer at once). Each round runs every sample once each way, alternating which way goes
first; the table gives the median of the rounds. Needs the samples built (any sample IT builds
them into daemon-examples/target, or SAMPLES_BUILD=DIR) and, for Helidon, JDK 21+.

usage: start-times.py [--java PATH] [--rounds N] [SAMPLE...]
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TARGET = os.environ.get("SAMPLES_BUILD",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target"))


def samples(port, tmp):
    """name -> (jar, jvm options, arguments, path answered)."""
    config = os.path.join(tmp, "config.yml")
    with open(config, "w") as f:
        f.write("server:\n  type: simple\n  applicationContextPath: /\n  adminContextPath: /admin\n"
                "  connector:\n    type: http\n    port: %d\n" % port)
    return {
        "spring-sample": ("spring-sample/spring-sample.jar", [], ["--server.port=%d" % port], "/health"),
        "spring4-sample": ("spring4-sample/spring4-sample.jar", [], ["--server.port=%d" % port], "/health"),
        "quarkus-sample": ("quarkus-sample/quarkus-app/quarkus-run.jar", ["-Dquarkus.http.port=%d" % port], [], "/"),
        "micronaut-sample": ("micronaut-sample/micronaut-sample.jar", [], ["-micronaut.server.port=%d" % port], "/"),
        "helidon-sample": ("helidon-sample/helidon-sample.jar", [], ["--port=%d" % port], "/"),
        "dropwizard-sample": ("dropwizard-sample/dropwizard-sample.jar", [], ["server", config], "/"),
        "tomcat-sample": ("tomcat-sample/tomcat-sample.jar", [], ["--port=%d" % port], "/"),
        "jetty-sample": ("jetty-sample/jetty-sample.jar", [], ["--port=%d" % port], "/"),
        "vertx-sample": ("vertx-sample/vertx-sample.jar", [], ["--port=%d" % port], "/"),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port, path, timeout=2):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def foreground(java, jar, jvm, args, port, path, tmp):
    start = time.monotonic()
    p = subprocess.Popen([java] + jvm + ["-jar", jar] + args, cwd=tmp,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not answers(port, path):
            if p.poll() is not None or time.monotonic() - start > 120:
                raise SystemExit("%s did not serve in the foreground" % jar)
            time.sleep(0.005)
        return time.monotonic() - start
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(60)


def daemon(java, jar, jvm, args, port, path, tmp):
    pid = os.path.join(tmp, "s.pid")
    flags = ["--pidfile=" + pid, "--workdir=" + tmp]
    start = time.monotonic()
    r = subprocess.run([java] + jvm + ["-jar", jar] + args + ["--daemon", "--log=" + os.path.join(tmp, "s.log")]
                       + flags, cwd=tmp, capture_output=True, text=True, timeout=180)
    took = time.monotonic() - start
    try:
        if r.returncode != 0 or not answers(port, path, timeout=15):
            raise SystemExit("%s as a daemon: exit %d %s" % (jar, r.returncode, r.stderr))
        return took
    finally:
        subprocess.run([java] + jvm + ["-jar", jar, "--daemon=stop"] + flags, cwd=tmp,
                       capture_output=True, timeout=180)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", default="java")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("names", nargs="*")
    opts = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="start-times-")
    port = free_port()
    table = samples(port, tmp)
    names = opts.names or list(table)
    times = {n: ([], []) for n in names}
    try:
        for round_ in range(opts.rounds):
            for name in names:
                jar, jvm, args, path = table[name]
                jar = os.path.join(TARGET, jar)
                ways = [(0, foreground), (1, daemon)]
                if round_ % 2:
                    ways.reverse()
                for i, way in ways:
                    times[name][i].append(way(opts.java, jar, jvm, args, port, path, tmp))
        print("| sample | foreground, until GET answers | `--daemon`, until it returns 0 | difference |")
        print("|---|---|---|---|")
        for name in names:
            fg, dm = (statistics.median(t) for t in times[name])
            print("| %s | %.2f s | %.2f s | %+.2f s |" % (name, fg, dm, dm - fg))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
