#!/usr/bin/env python3
"""Two briefing binaries side by side: is a change slower?

    bench/compare.py BASE_BINARY NEW_BINARY [--pages 10000] [--rounds 12] [--edits 21]
                     [--out /tmp/briefing-compare]

On the corpus of ../shared/bench/gen_corpus.py (bench/site.toml and bench/templates, as
bench/run.sh uses), in one run:

1. **Full build over the previous public/ on disk**, what a user's second `briefing build` is:
   each round builds with both binaries, each into its own site copy's public/ (which the
   previous round left there), the order flipping every round. Wall-clock time of the process.
2. **Watch-mode body edit**: both binaries' `briefing watch` run at once, each on its own copy
   of the site; each edit appends a sentence to one page of both copies in turn (order flipping)
   and times from the save to the sentence being in that page's public/ file (polled every
   0.2 ms), so both see the same machine state.

Prints the medians (wall clock, and the CPU time of the full builds), the ratio new/base, and
the median of the paired ratios (each round's new/base), which is what a "within 3 %" claim
should be read from. Needs only Python 3.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.environ.get("GEN_CORPUS", os.path.join(HERE, "..", "..", "shared", "bench", "gen_corpus.py"))


def corpus(out, pages):
    path = os.path.join(out, f"corpus-{pages}")
    if not os.path.isfile(os.path.join(path, "content", "_index.md")):
        print(f"==> writing the {pages}-page corpus", file=sys.stderr)
        subprocess.run([sys.executable, GEN, path, "--pages", str(pages), "--engine", "none"],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def site_copy(out, corpus_dir, name):
    site = os.path.join(out, name)
    if os.path.exists(site):
        shutil.rmtree(site)
    # A real copy, not hard links: the watch edits write into these files.
    shutil.copytree(os.path.join(corpus_dir, "content"), os.path.join(site, "content"))
    shutil.copytree(os.path.join(HERE, "templates"), os.path.join(site, "templates"))
    shutil.copy(os.path.join(HERE, "site.toml"), os.path.join(site, "site.toml"))
    return site


def build(binary, site):
    """Wall-clock and CPU (user + system) seconds of one build. CPU time is what a loaded
    machine distorts least, so a regression claim can be read from it when the wall clock is
    noisy."""
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "build", "--quiet", "--root", site, "--output-dir",
                             os.path.join(site, "public")])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{binary} build of {site} failed with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def pages_of(site, count):
    """`count` pages spread over the site, with the output file each is written to."""
    found = []
    content = os.path.join(site, "content")
    for section in sorted(os.listdir(content)):
        folder = os.path.join(content, section)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(".md") and name != "_index.md":
                found.append(f"{section}/{name}")
    step = max(1, len(found) // count)
    return [(rel, f"{rel[:-3]}/index.html") for rel in found[::step][:count]]


class Watcher:
    def __init__(self, binary, site):
        self.site = site
        self.proc = subprocess.Popen(
            [binary, "watch", "--root", site, "--output-dir", os.path.join(site, "public")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        for line in self.proc.stdout:
            if "Watching" in line or "watching" in line:
                break
        else:
            raise SystemExit(f"watch on {site} ended before it was watching")

    def edit(self, rel, out_rel, marker):
        src = os.path.join(self.site, "content", rel)
        target = os.path.join(self.site, "public", out_rel)
        needle = marker.encode()
        with open(src, "a") as f:
            f.write(f"\n{marker}\n")
        start = time.perf_counter()
        deadline = start + 30
        while time.perf_counter() < deadline:
            try:
                with open(target, "rb") as f:
                    if needle in f.read():
                        return time.perf_counter() - start
            except FileNotFoundError:
                pass
            time.sleep(0.0002)
        raise SystemExit(f"the edit of {rel} never reached {target}")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def summary(name, base, new):
    paired = [n / b for b, n in zip(base, new)]
    mb, mn = statistics.median(base), statistics.median(new)
    print(f"| {name} | {len(base)} | {mb * 1000:.1f} | {mn * 1000:.1f} | {mn / mb:.3f} "
          f"| {statistics.median(paired):.3f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--edits", type=int, default=21)
    parser.add_argument("--out", default="/tmp/briefing-compare")
    args = parser.parse_args()
    binaries = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.new)}
    os.makedirs(args.out, exist_ok=True)
    corpus_dir = corpus(args.out, args.pages)
    sites = {k: site_copy(args.out, corpus_dir, f"site-{k}") for k in binaries}
    order = ["base", "new"]
    for k in order:  # the first build: public/ exists from now on
        build(binaries[k], sites[k])
    times = {k: [] for k in order}
    cpu = {k: [] for k in order}
    for round_ in range(args.rounds):
        for k in (order if round_ % 2 == 0 else order[::-1]):
            wall, used = build(binaries[k], sites[k])
            times[k].append(wall)
            cpu[k].append(used)
    watchers = {k: Watcher(binaries[k], sites[k]) for k in order}
    edits = {k: [] for k in order}
    try:
        for i, (rel, out_rel) in enumerate(pages_of(sites["base"], args.edits)):
            for k in (order if i % 2 == 0 else order[::-1]):
                edits[k].append(watchers[k].edit(rel, out_rel, f"Benchmark sentence {i} {k}."))
                time.sleep(0.3)  # the other watcher's writes are over before the next edit
    finally:
        for w in watchers.values():
            w.stop()
    print(f"{args.pages} pages; base {binaries['base']}; new {binaries['new']}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print()
    print("| measure | runs | base median (ms) | new median (ms) | new/base | median of paired ratios |")
    print("|---|---|---|---|---|---|")
    summary("full build over the previous public/ (on disk)", times["base"], times["new"])
    summary("same builds: CPU time, user + system", cpu["base"], cpu["new"])
    summary("watch: body edit, save to page on disk", edits["base"], edits["new"])


if __name__ == "__main__":
    main()
