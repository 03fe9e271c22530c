"""The JVM's class-load logs (-Xlog:class+load with timenanos,tags): events, markers, packages."""

import re


LOG_RE = re.compile(r"^\[(\d+)ns\]\[([^\]]*)\]\s?(.*)$")


def read_xlog(path):
    """[(t_ns, tags, name, source)] of a -Xlog file with the timenanos,tags decorations."""
    events = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LOG_RE.match(line.rstrip("\n"))
            if not m:
                continue
            t, tags, msg = int(m.group(1)), m.group(2).strip(), m.group(3)
            name, source = None, None
            if tags == "class,load":
                name, _, rest = msg.partition(" ")
                source = rest.replace("source: ", "", 1)
            events.append((t, tags, name, source))
    return events


def first_class(events, prefix, exact=True):
    for t, tags, name, _ in events:
        if name is not None and (name == prefix if exact else name.startswith(prefix)):
            return t
    return None


def first_class_after(events, name, t_from):
    """When class name was first loaded at or after t_from, or None."""
    if t_from is None:
        return None
    for t, tags, n, _ in events:
        if n == name and t >= t_from:
            return t
    return None


def classes_between(events, t_from, t_to):
    return [(name, src) for t, tags, name, src in events
            if name is not None and t_from is not None and t_to is not None
            and t_from <= t < t_to]


def top_packages(classes, n=5):
    pk = {}
    for name, _ in classes:
        p = name.rsplit(".", 1)[0] if "." in name else name
        p = re.sub(r"\$.*", "", p)
        pk[p] = pk.get(p, 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(pk.items(), key=lambda kv: -kv[1])[:n])
