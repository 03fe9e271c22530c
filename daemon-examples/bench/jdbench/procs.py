"""Processes: tagging and ending them, spawning and reaping them, and reading /proc."""

import os
import signal
import threading
import time


CLK_TCK = os.sysconf("SC_CLK_TCK")
# The environment variable that carries a process's tag to the daemons it starts.
TAG_VARIABLE = "JDAEMON_BENCH_TAG"


def now():
    return time.monotonic_ns()


def ms(ns):
    return ns / 1e6


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
        """PIDs tagged with tag (SESSION.N, or SESSION. for all): a -Djdaemon.bench.tag= on the
        command line, or TAG_VARIABLE in the environment (a daemon's JVM options are in an
        argument file that is gone once it runs, so its command line does not show the -D)."""
        me = os.getpid()
        needle = tag.encode()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    words = f.read().split(b"\0")
                with open("/proc/%s/environ" % entry, "rb") as f:
                    words += f.read().split(b"\0")
            except OSError:
                continue
            for word in words:
                for prefix in (b"-Djdaemon.bench.tag=", TAG_VARIABLE.encode() + b"="):
                    value = word[len(prefix):]
                    if word.startswith(prefix) and (value == needle or (
                            needle.endswith(b".") and value.startswith(needle))):
                        found.append(int(entry))
                        break
                else:
                    continue
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
        tags = [a[len("-Djdaemon.bench.tag="):] for a in argv if a.startswith("-Djdaemon.bench.tag=")]
        if tags:
            env = dict(env, **{TAG_VARIABLE: tags[0]})
        self.argv = argv
        self.out_path = out_path
        self.t_exit = None
        self.status = None
        self.cpu_ms = None
        self.maxrss_kb = None
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
        self.maxrss_kb = usage.ru_maxrss
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
