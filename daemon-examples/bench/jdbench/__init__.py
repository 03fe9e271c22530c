"""jdaemon's start-up, control, footprint and scale benchmark, by section.

bench.py (beside this package) is the entry point, cli the command line and the order of the
sections. Shared: procs (tagged processes, spawn and reap, /proc), loopback (HTTP on 127.0.0.1),
stats (medians and table cells), xlog (class-load logs), context (the run's state). One module
per section, each with run(bench) and report(bench, w): ready (1, time to ready), split (2,
where our overhead goes), control (3), footprint (4), scale (5), consecutive (6), first_use
(7); then targets, and report, which assembles the page.
"""
