"""HTTP on 127.0.0.1: the example service's /health and /pid, free ports, polling."""

import re
import socket
import time

from .procs import now, ms


def http_get(port, path, timeout=2.0, connected=None):
    """The body of GET path on 127.0.0.1:port if the answer is 200, else None. connected: a
    list to which the time (ns) the TCP connection was established is appended."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        if connected is not None:
            connected.append(now())
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
    except OSError:
        return None
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return None
    return body.decode(errors="replace").strip()


def healthy(port, connected=None):
    return http_get(port, "/health", connected=connected) == "ok"


def probe_at_return(port):
    """A GET /health sent now, once, no retry: (answered, ms until the answer)."""
    t = now()
    ok = healthy(port)
    return ok, ms(now() - t)


def serving_pid(port):
    body = http_get(port, "/pid")
    return int(body) if body and body.isdigit() else None


USED_PORTS = set()


def free_port():
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in USED_PORTS:
            USED_PORTS.add(port)
            return port


def poll_health(port, t0, deadline_ns, until=None, connected=None):
    """First time (ns) /health answered on port, polling every 2 ms; None at the deadline.
    until(): optional extra condition that must also hold before returning. connected: list
    that receives the times TCP connections were established (the first: the port is bound)."""
    t_health = None
    while now() < deadline_ns:
        if t_health is None and healthy(port, connected):
            t_health = now()
        if t_health is not None and (until is None or until()):
            return t_health
        time.sleep(0.002)
    return t_health
