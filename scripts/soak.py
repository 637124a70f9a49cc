#!/usr/bin/env python3
"""Soak test: a mixed load against the packaged jar for SOAK_SECONDS, then a report.

Everything runs on loopback: the service (java -jar), a small image origin and an HTTP
forward proxy (both here, in threads), and a fixed number of client workers, each looping
over upload / GET / fetch / proxy / delete with a timeout on every request. At the end the
service gets SIGTERM and must exit 0.

Reports requests, statuses, any 5xx (503 with Retry-After is allowed back-pressure), and
RSS and thread counts sampled from /proc/PID/status, comparing warm (second quarter) with
the last quarter of the run.
"""
import base64
import collections
import http.client
import http.server
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
WORKERS = int(os.environ.get("SOAK_WORKERS", "6"))
JAR = os.environ.get("SOAK_JAR", "target/image-serving-service.jar")
JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java"
FIXTURES = "src/test/resources/images"
KEY = "soak-" + base64.urlsafe_b64encode(os.urandom(12)).decode()
TIMEOUT = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


IMAGES = {name: read(name) for name in
          ["progressive.jpg", "palette.png", "transparent.png", "grey.jpg", "input.webp",
           "orientation-6.jpg", "animated.gif"]}


class Origin(http.server.BaseHTTPRequestHandler):
    """Serves the fixtures at /<name>; anything else is 404."""
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = IMAGES.get(self.path.lstrip("/"))
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/" + self.path.rsplit(".", 1)[-1].replace("jpg", "jpeg"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Proxy(http.server.BaseHTTPRequestHandler):
    """A plain HTTP forward proxy: absolute-URI GETs, forwarded to loopback origins only."""
    protocol_version = "HTTP/1.1"
    forwarded = 0

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.hostname != "127.0.0.1":
            self.send_error(403)
            return
        Proxy.forwarded += 1
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
        try:
            conn.request("GET", url.path or "/")
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        self.send_response(response.status)
        self.send_header("Content-Type", response.getheader("Content-Type", "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_op = collections.Counter()
        self.by_status = collections.Counter()
        self.bad = collections.Counter()
        self.errors = collections.Counter()
        self.latency = collections.defaultdict(list)

    def record(self, op, status, seconds, retry_after):
        with self.lock:
            self.by_op[op] += 1
            self.by_status[status] += 1
            self.latency[op].append(seconds)
            if status >= 500 and not (status == 503 and retry_after):
                self.bad[(op, status)] += 1

    def error(self, op, e):
        with self.lock:
            self.by_op[op] += 1
            self.errors[(op, type(e).__name__)] += 1


def worker(port, stats, origin_port, deadline, ids, ids_lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    rnd = random.Random()
    auth = {"Authorization": "Bearer " + KEY}

    def call(op, method, path, body=None, headers=None):
        nonlocal conn
        start = time.monotonic()
        try:
            h = dict(headers or {})
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=h)
            response = conn.getresponse()
            payload = response.read()
            stats.record(op, response.status, time.monotonic() - start, response.getheader("Retry-After"))
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            return response.status, payload
        except Exception as e:  # noqa: BLE001 - counted and reported
            stats.error(op, e)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            return None, b""

    while time.monotonic() < deadline:
        roll = rnd.random()
        name = rnd.choice(list(IMAGES))
        if roll < 0.25:
            status, payload = call("upload", "POST", "/images/soak",
                                   {"data": base64.b64encode(IMAGES[name]).decode()}, auth)
            if status == 200:
                with ids_lock:
                    ids.append(json.loads(payload)["image_id"])
        elif roll < 0.65:
            with ids_lock:
                image_id = rnd.choice(ids) if ids else "00000000000000000000000000000000-AAAAAAAAAAA"
            call("get", "GET", "/images/soak/" + image_id)
        elif roll < 0.80:
            call("fetch", "POST", "/images/fetch",
                 {"url": f"http://127.0.0.1:{origin_port}/{name}", "pool": "local"}, auth)
        elif roll < 0.88:
            urls = [f"http://127.0.0.1:{origin_port}/{n}" for n in rnd.sample(list(IMAGES), 3)]
            urls.append(f"http://127.0.0.1:{origin_port}/missing.png")
            call("proxy", "POST", "/images/soak-proxy/proxy", {"urls": urls, "pool": "local"}, auth)
        elif roll < 0.96:
            with ids_lock:
                image_id = ids.pop(rnd.randrange(len(ids))) if len(ids) > 20 else None
            if image_id:
                call("delete", "DELETE", "/images/soak/" + image_id, headers=auth)
        else:
            call("delete-ns", "DELETE", "/images/soak-proxy", headers=auth)
    conn.close()


def sample(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "Threads"):
                values[key] = int(value.split()[0])
    with os_listdir_safe(f"/proc/{pid}/fd") as fds:
        values["fds"] = fds
    return values


class os_listdir_safe:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        try:
            return len(os.listdir(self.path))
        except OSError:
            return -1

    def __exit__(self, *args):
        return False


def main():
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} missing: run make package")
    origin = serve(Origin)
    proxy = serve(Proxy)
    origin_port = origin.server_address[1]
    port = free_port()
    work = tempfile.mkdtemp(prefix="soak-")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "PORT": str(port), "HOST": "127.0.0.1",
        "UPLOADS_PATH": os.path.join(work, "uploads"),
        "API_KEYS": KEY,
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "FETCH_TIMEOUT": "5",
        "PROXIES": json.dumps({"local": [f"http://127.0.0.1:{proxy.server_address[1]}"]}),
        "LOG_LEVEL": "warning",
    }
    log = open(os.path.join(work, "service.log"), "w")
    service = subprocess.Popen([JAVA, "--enable-native-access=ALL-UNNAMED", "-jar", JAR],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("service did not start; see " + log.name)

        print(f"soak: {SECONDS} s, {WORKERS} workers, pid {service.pid}, logs {log.name}", flush=True)
        stats = Stats()
        ids, ids_lock = [], threading.Lock()
        start = time.monotonic()
        deadline = start + SECONDS
        threads = [threading.Thread(target=worker, args=(port, stats, origin_port, deadline, ids, ids_lock))
                   for _ in range(WORKERS)]
        for t in threads:
            t.start()
        samples = []
        while time.monotonic() < deadline:
            samples.append((time.monotonic() - start, sample(service.pid)))
            time.sleep(min(5, max(0.1, deadline - time.monotonic())))
        for t in threads:
            t.join(TIMEOUT + 5)
        samples.append((time.monotonic() - start, sample(service.pid)))
        elapsed = time.monotonic() - start
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            exit_code = service.wait(60)
        except subprocess.TimeoutExpired:
            service.kill()
            exit_code = "killed after 60 s"
        origin.shutdown()
        proxy.shutdown()

    total = sum(stats.by_op.values())
    print(f"\nrequests: {total} in {elapsed:.0f} s ({total / elapsed:.0f}/s); proxied origin fetches: {Proxy.forwarded}")
    print("by operation: " + ", ".join(f"{op} {n}" for op, n in sorted(stats.by_op.items())))
    print("by status:    " + ", ".join(f"{s} {n}" for s, n in sorted(stats.by_status.items())))
    for op, values in sorted(stats.latency.items()):
        values.sort()
        print(f"latency {op:9s} p50 {values[len(values) // 2] * 1000:7.1f} ms  p99 {values[int(len(values) * 0.99)] * 1000:7.1f} ms")
    print("client errors (no response): " + (", ".join(f"{k} {n}" for k, n in stats.errors.items()) or "none"))
    print("5xx other than 503+Retry-After: " + (", ".join(f"{k} {n}" for k, n in stats.bad.items()) or "none"))
    quarter = len(samples) // 4
    warm = [s for _, s in samples[quarter:2 * quarter]] or [samples[0][1]]
    last = [s for _, s in samples[-quarter:]] if quarter else [samples[-1][1]]
    for key, unit in (("VmRSS", "kB"), ("Threads", ""), ("fds", "")):
        w = statistics.median(s[key] for s in warm)
        l = statistics.median(s[key] for s in last)
        peak = max(s[key] for _, s in samples)
        print(f"{key:8s} warm {w:>9.0f}{unit}  last {l:>9.0f}{unit}  drift {100 * (l - w) / w:+5.1f}%  peak {peak}{unit}")
    print(f"exit status after SIGTERM: {exit_code}")
    ok = not stats.bad and exit_code == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
