"""The targets table: each goal with what was measured and whether it was met."""

from .stats import fmt, med


def report(bench, w):
    ready = bench.results["ready"]

    def h(name):
        return med([r.get("health_ms") for r in ready.get(name, []) if r["ok"]])

    ours = h("jdaemon")
    w("### Targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    for i, jdk in enumerate(bench.jdks):
        fg_i, ours_i = h(bench.jdk_key("foreground", i)), h(bench.jdk_key("jdaemon", i))
        boot = med([r.get("return_ms") for r in ready.get(bench.jdk_key("empty", i), [])
                    if r["ok"]])
        kind = "empty `main`"
        if boot is None:
            boot = med([r.get("return_ms") for r in ready.get(bench.jdk_key("java-version", i), [])
                        if r["ok"]])
            kind = "`java -version`"
        if None not in (fg_i, ours_i, boot):
            limit = fg_i + boot + 15
            w("| ready within foreground + one bare JVM boot (%s) + 15 ms%s | %.0f ms vs limit "
              "%.0f + %.0f + 15 = %.0f ms | %s by %.0f ms |" % (
                  kind, " (JDK %s)" % jdk[0] if len(bench.jdks) > 1 else "", ours_i, fg_i, boot,
                  limit, "met" if ours_i <= limit else "**missed**", abs(ours_i - limit)))
            floor = h(bench.jdk_key("floor", i))
            if floor is not None:
                w("| (what the limit leaves above the floor%s: a JVM that only calls "
                  "`ProcessBuilder.start()` on the foreground command) | floor %.0f ms, limit "
                  "%.0f ms: %.0f ms for detaching, checks, handshake, pidfile; ours is %.0f ms "
                  "above the floor | context |" % (
                      " (JDK %s)" % jdk[0] if len(bench.jdks) > 1 else "", floor, limit,
                      limit - floor, ours_i - floor))
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
          bench.skipped.get("akuma", "not selected"))
    c = bench.results.get("consecutive")
    if c:
        bad = c["hangs"] + len(c["failures"])
        w("| zero hangs/failures in %d consecutive starts | %d ok, %d hangs, %d failures | %s |" % (
            c["n"], c["ok"], c["hangs"], len(c["failures"]),
            "met" if bad == 0 and c["ok"] == c["n"] else "**missed**"))
    cc = bench.results.get("launcher_class_counts")
    if cc:
        jna = max(cc["jna"])
        slf = max(cc["slf4j"])
        w("| launcher loads no JNA (and no slf4j binding) | %s classes loaded (median); "
          "com.sun.jna: %d, org.slf4j: %d (max over %d runs) | %s |" % (
              fmt(med(cc["total"])), jna, slf, len(cc["jna"]),
              "met" if jna == 0 and slf == 0 else "**missed**"))
    f = bench.results.get("footprint")
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
