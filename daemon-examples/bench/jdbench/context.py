"""The run's shared state: options, JDKs, work directory, session, environment, results."""

import os
import shutil
import sys

from .procs import Session
from .stats import java_version


class Bench:
    """What every section shares: the options, the JDKs, the work directory, the session
    that tags and ends the processes, the environment they run in, and the results."""

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

    def jdk_key(self, name, i):
        """The variant's key for the i-th JDK of --jdk: plain for the first, NAME@SUFFIX after."""
        return name if i == 0 else "%s@%s" % (name, self.jdks[i][0])

    @staticmethod
    def base_name(key):
        """A variant's name without its @JDK suffix."""
        return key.split("@", 1)[0]

    def baseline_of(self, key):
        """The foreground baseline run on the same JDK as the variant with this key."""
        return "foreground" + (key[key.index("@"):] if "@" in key else "")
