"""Section 7, cold first use of JDK facilities, each timed inside a fresh JVM."""

import os
import subprocess

from .stats import summary


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


def run(bench):
    if not (bench.peers_jar and os.path.isfile(bench.peers_jar)):
        bench.skipped["first use"] = "the peer services (bench/peers) were not built"
        return
    bench.say("bench: cold first use of JDK facilities")
    tmp = os.path.join(bench.work, "firstuse")
    os.makedirs(tmp, exist_ok=True)
    res = {name: [] for name, _ in FIRST_USE}
    for i in range(bench.args.first_use_runs):
        for name, _ in FIRST_USE:
            out = subprocess.run([bench.java_real, "-cp", bench.peers_jar,
                                  "io.jdaemon.bench.peers.FirstUse", name, tmp],
                                 capture_output=True, text=True, env=bench.env, timeout=60)
            if out.returncode == 0 and out.stdout.strip().isdigit():
                res[name].append(int(out.stdout.strip()) / 1000.0)
    bench.results["first_use"] = res


def report(bench, w):
    res = bench.results.get("first_use")
    if not res:
        return
    w("### 7. Cold first use of JDK facilities (ms)")
    w("")
    w("Each in a fresh JVM (`io.jdaemon.bench.peers.FirstUse NAME`), timed inside it around "
      "that one operation; medians of %d. The costs overlap (the first lambda, stream and "
      "indy call share the method-handle infrastructure; SHA-256, SecureRandom and "
      "`Files.createTempDirectory` share the JCA provider set-up; the file operations share "
      "the NIO file-channel classes), so they do not add up; they say what a start-up "
      "path pays for touching each one first." % bench.args.first_use_runs)
    w("")
    w("| first use of | median | min–max |")
    w("|---|---:|---:|")
    for name, label in FIRST_USE:
        m, r = summary(res.get(name, []), 1)
        w("| %s | %s | %s |" % (label, m, r))
    w("")
