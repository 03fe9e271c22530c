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

# The sections live in the package jdbench beside this file (one module each, with its run and
# its part of the report); this file is the entry point run.sh calls.
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from jdbench import cli  # noqa: E402

if __name__ == "__main__":
    sys.exit(cli.main(__doc__))
