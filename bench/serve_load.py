#!/usr/bin/env python3
"""Load on the preview server: many requests while idle connections and event streams wait.

    bench/serve_load.py [--root SITE] [--clients 8] [--requests 20000] [--seconds 30]
                        [--idle 1000] [--streams 200] [--binary target/release/briefing]

Starts `briefing serve --port 0` on SITE (default: the repository's own briefing), opens
--idle connections that never send a byte and --streams live-reload event streams that are
never read, then has --clients keep-alive clients fetch the site's pages, its stylesheet, the
feed, the sitemap and a missing page (404) until --requests requests are done or --seconds
have passed, whichever comes first. It prints the requests, errors (a refused connection, a
timeout, a wrong status), the latency percentiles, and the server's open file descriptors,
threads and memory from /proc before, under load and after everything closed.

Loopback only: the server is started here, on 127.0.0.1, and nothing else is contacted.
Everything is bounded in count and time, and the server is stopped at the end.
"""
import argparse
import http.client
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
HOST = "127.0.0.1"  # never anything but loopback


def start_server(binary, site):
    server = subprocess.Popen(
        [binary, "--quiet", "serve", "--root", site, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 120
    for line in server.stdout:
        found = re.match(r"Serving http://127\.0\.0\.1:(\d+)/", line)
        if found:
            # Keep draining stdout so the server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            return server, int(found.group(1))
        if time.time() > deadline:
            break
    server.kill()
    raise SystemExit("the server did not start")


def server_figures(pid):
    status = open(f"/proc/{pid}/status").read()
    field = lambda name: int(re.search(rf"^{name}:\s+(\d+)", status, re.M).group(1))
    return {"fds": len(os.listdir(f"/proc/{pid}/fd")), "threads": field("Threads"),
            "rss_mb": field("VmRSS") / 1024}


def site_urls(port):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/")
    home = conn.getresponse().read().decode("utf-8", "replace")
    conn.close()
    prefix = f"http://{HOST}:{port}"
    urls = set()
    for href in re.findall(r'(?:href|src)="([^"#?]+)"', home):
        if href.startswith(prefix):
            href = href[len(prefix):]
        if href.startswith("/") and not href.startswith("//"):
            urls.add(href)
    urls.update(["/", "/atom.xml", "/sitemap.xml"])
    return sorted(urls)


def hold_connections(port, idle, streams):
    held = []
    for i in range(idle + streams):
        sock = socket.create_connection((HOST, port), timeout=10)
        if i >= idle:
            sock.sendall(f"GET /__briefing/events HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        held.append(sock)
    return held


def client(port, urls, stop_at, budget, lock, results):
    latencies, errors = [], 0
    conn = None
    i = 0
    while time.time() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        url = urls[i % len(urls)]
        i += 1
        expected = 404 if url == "/no-such-page/" else 200
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", url)
            response = conn.getresponse()
            response.read()
            if response.status != expected:
                errors += 1
            latencies.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn = None
    with lock:
        results["latencies"].extend(latencies)
        results["errors"] += errors


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=ROOT)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "briefing"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--streams", type=int, default=200)
    args = parser.parse_args()
    args.requests = min(args.requests, 1_000_000)
    args.seconds = min(args.seconds, 600)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.idle + args.streams + args.clients + 64
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))

    server, port = start_server(args.binary, os.path.abspath(args.root))
    try:
        urls = site_urls(port) + ["/no-such-page/"]
        before = server_figures(server.pid)
        held = hold_connections(port, args.idle, args.streams)
        time.sleep(0.5)
        holding = server_figures(server.pid)
        lock = threading.Lock()
        results = {"latencies": [], "errors": 0}
        budget = [args.requests]
        started = time.time()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=client, args=(port, urls, stop_at, budget, lock, results))
                   for _ in range(args.clients)]
        for t in threads:
            t.start()
        peak = holding
        while any(t.is_alive() for t in threads):
            figures = server_figures(server.pid)
            peak = {k: max(peak[k], figures[k]) for k in peak}
            time.sleep(0.2)
        for t in threads:
            t.join()
        elapsed = time.time() - started
        for sock in held:
            sock.close()
        time.sleep(1)
        after = server_figures(server.pid)
        alive = server.poll() is None
    finally:
        server.kill()
        server.wait()

    latencies = sorted(results["latencies"])
    done = len(latencies) + results["errors"]
    print(f"{done} requests ({len(urls)} URLs, {args.clients} keep-alive clients) in {elapsed:.1f} s "
          f"({done / elapsed:.0f}/s), {results['errors']} errors, while {args.idle} idle connections "
          f"and {args.streams} event streams waited; server still running: {alive}")
    print(f"latency ms: p50 {percentile(latencies, 50):.2f}, p90 {percentile(latencies, 90):.2f}, "
          f"p99 {percentile(latencies, 99):.2f}, max {percentile(latencies, 100):.2f}")
    print()
    print("| server | open fds | threads | RSS (MB) |")
    print("|---|---:|---:|---:|")
    for name, figures in [("before", before), ("holding the idle connections and streams", holding),
                          ("peak under load", peak), ("after all closed", after)]:
        print(f"| {name} | {figures['fds']} | {figures['threads']} | {figures['rss_mb']:.1f} |")
    if results["errors"] or not alive:
        sys.exit(1)


if __name__ == "__main__":
    main()
