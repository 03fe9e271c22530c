"""Statistics and formatting of the tables' cells; the JDK's version and the load average."""

import re
import statistics
import subprocess
import sys


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
