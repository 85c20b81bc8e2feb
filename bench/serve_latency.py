#!/usr/bin/env python3
"""Save-to-browser latency of the preview server: briefing serve beside hugo server.

    bench/serve_latency.py SITE_DIR HUGO_SITE_DIR [--edits 9]

Both sites hold the same content/ (see bench/run.sh, which leaves them under
/tmp/briefing-bench). For each kind of edit (a page's body, a page's title, a template) the
script saves the file, then measures (1) the time until the server returns the new page and
(2) the time until the live-reload event arrives (Server-Sent Events for briefing, the
LiveReload WebSocket for Hugo). It prints medians in milliseconds as a Markdown table.
Only loopback addresses are used.
"""
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

BRIEFING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "briefing")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def wait_until(port, path, needle, started, limit=60.0):
    while True:
        try:
            status, body = get(port, path)
            if status == 200 and needle in body:
                return (time.perf_counter() - started) * 1000
        except OSError:
            pass
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"{needle!r} never appeared at {path}")
        time.sleep(0.001)


class SseListener(threading.Thread):
    """Counts `event: reload`/`css` lines on briefing's event stream."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.events = []
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

    def run(self):
        buffer = b""
        while True:
            data = self.sock.recv(65536)
            if not data:
                return
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line in (b"event: reload", b"event: css"):
                    self.events.append(time.perf_counter())


class LiveReloadListener(threading.Thread):
    """A minimal WebSocket client for Hugo's /livereload endpoint."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.events = []
        self.sock = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        self.rest = response.split(b"\r\n\r\n", 1)[1]
        hello = json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}).encode()
        mask = os.urandom(4)
        frame = bytes([0x81, 0x80 | len(hello)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(hello))
        self.sock.sendall(frame)

    def run(self):
        buffer = self.rest
        while True:
            while len(buffer) < 2:
                data = self.sock.recv(65536)
                if not data:
                    return
                buffer += data
            length = buffer[1] & 0x7F
            offset = 2
            if length == 126:
                length = int.from_bytes(buffer[2:4], "big")
                offset = 4
            while len(buffer) < offset + length:
                buffer += self.sock.recv(65536)
            payload, buffer = buffer[offset:offset + length], buffer[offset + length:]
            if b'"reload"' in payload:
                self.events.append(time.perf_counter())


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def measure(name, port, listener, site, template, page_file, url, edits):
    results = {}
    kinds = [
        ("body edit", page_file, lambda i: ("Dataset", f"Dataset{i}"), lambda i: f"Dataset{i}"),
        ("title edit", page_file, lambda i: ("title = \"", f"title = \"T{i} "), lambda i: f"T{i} "),
        ("template edit", template, lambda i: ("<main>", f"<main data-v=\"{i}\">"), lambda i: f"data-v=\"{i}\""),
    ]
    for kind, file, change, needle in kinds:
        served, reloaded = [], []
        for i in range(edits):
            before = len(listener.events)
            old, new = change(i)
            original = open(file, encoding="utf-8").read()
            started = time.perf_counter()
            edit(file, old, new)
            served.append(wait_until(port, url, needle(i), started))
            deadline = time.perf_counter() + 30
            while len(listener.events) == before and time.perf_counter() < deadline:
                time.sleep(0.001)
            if len(listener.events) > before:
                reloaded.append((listener.events[before] - started) * 1000)
            with open(file, "w", encoding="utf-8") as f:
                f.write(original)
            wait_until(port, url, "", time.perf_counter())
            time.sleep(0.6)  # let the restoring rebuild settle before the next edit
        results[kind] = (statistics.median(served), statistics.median(reloaded) if reloaded else float("nan"))
        print(f"{name} {kind}: served {results[kind][0]:.1f} ms, reload {results[kind][1]:.1f} ms", file=sys.stderr)
    return results


def first_page(content):
    for section in sorted(os.listdir(content)):
        path = os.path.join(content, section)
        if os.path.isdir(path):
            pages = sorted(p for p in os.listdir(path) if p.endswith(".md") and p != "_index.md")
            return section, pages[0][:-3]
    raise SystemExit("no page found")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    bsite, hsite = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    edits = int(sys.argv[sys.argv.index("--edits") + 1]) if "--edits" in sys.argv else 9
    section, slug = first_page(os.path.join(bsite, "content"))
    url = f"/{section}/{slug}/"
    rows = {}

    port = free_port()
    server = subprocess.Popen([BRIEFING, "--quiet", "serve", "--root", bsite, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(port, url, "<h1>", time.perf_counter(), limit=300)
        listener = SseListener(port)
        listener.start()
        rows["briefing"] = measure("briefing", port, listener, bsite, os.path.join(bsite, "templates", "base.html"), os.path.join(bsite, "content", section, slug + ".md"), url, edits)
    finally:
        server.terminate()
        server.wait()

    if hsite != "-":
        port = free_port()
        server = subprocess.Popen(["hugo", "server", "--source", hsite, "--port", str(port), "--bind", "127.0.0.1", "--disableFastRender"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(port, url, "<h1>", time.perf_counter(), limit=600)
            listener = LiveReloadListener(port)
            listener.start()
            rows["hugo server"] = measure("hugo", port, listener, hsite, os.path.join(hsite, "layouts", "_default", "baseof.html"), os.path.join(hsite, "content", section, slug + ".md"), url, edits)
        finally:
            server.terminate()
            server.wait()

    print("| server | edit | save → new page served (median ms) | save → reload event (median ms) |")
    print("|---|---|---:|---:|")
    for name, kinds in rows.items():
        for kind, (served, reloaded) in kinds.items():
            print(f"| {name} | {kind} | {served:.1f} | {reloaded:.1f} |")


if __name__ == "__main__":
    main()
