#!/usr/bin/env bash
# Full-build benchmark: briefing beside Hugo on the synthetic corpus of
# ../shared/bench/gen_corpus.py (the same Markdown for both). See bench/README.md.
#
#   bench/run.sh [--sizes "1000 10000"] [--runs N] [--out DIR] [--no-hugo] [--no-build] [--grouped]
#                [--delete-output] [--hugo-max N] [--big-runs N]
#
# For each size: writes the corpus once, puts the same content/ into a briefing site
# (bench/site.toml + bench/templates) and a Hugo site (gen_corpus --engine hugo --no-content),
# checks that both build and write every page, measures peak RSS (median of 3, /usr/bin/time),
# times both with hyperfine (each timed build starts from an empty output directory), and runs
# the floor (bench/floor: pulldown-cmark alone on one thread). Prints a Markdown table, also
# written to bench/results/latest.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
gen="${GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}"
sizes="1000 10000"
runs=""
warmup=1
out="${TMPDIR:-/tmp}/briefing-bench"
use_hugo=1
do_build=1
interleave=1
delete_output=0
big=100000   # from this size on, runs are --big-runs and there is no warmup run
big_runs=3
hugo_max=""  # sizes above this are built by briefing alone

usage() {
  cat <<'EOF'
usage: bench/run.sh [--sizes "1000 10000"] [--runs N] [--out DIR] [--no-hugo] [--no-build] [--grouped]
                    [--delete-output] [--hugo-max N] [--big-runs N]

  --sizes "N ..."  corpus sizes in pages (default "1000 10000"; "100000" for the growth check)
  --runs N         timed runs per tool and size below 100000 (default 5)
  --big-runs N     timed runs for sizes of 100000 and up (default 3, no warmup)
  --hugo-max N     build with Hugo only up to N pages (e.g. 10000: Hugo takes 2 GB at 10000
                   pages, so some 20 GB at 100000 if it grows linearly); larger sizes are
                   briefing alone
  --out DIR        where corpora, sites and raw results go (default /tmp/briefing-bench)
  --no-hugo        time briefing alone (say so when Hugo would take too long, e.g. at 100k)
  --no-build       use the existing target/release/briefing instead of `cargo build --release`
  --grouped        one hyperfine call with both commands (all briefing runs, then all Hugo
                   runs) instead of alternating them run by run
  --delete-output  before each timed build, delete the previous output (rm -rf) instead of
                   moving it aside; on ext4 without a journal this makes every build pay for
                   the deletion (see bench/README.md, "Old outputs are moved aside")
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="${2:?--sizes needs a value}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --no-hugo) use_hugo=0; shift ;;
    --hugo-max) hugo_max="${2:?--hugo-max needs a value}"; shift 2 ;;
    --big-runs) big_runs="${2:?--big-runs needs a value}"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --grouped) interleave=0; shift ;;
    --delete-output) delete_output=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in $sizes ${runs:+"$runs"} "$big_runs" ${hugo_max:+"$hugo_max"}; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: '$n' is not a positive whole number" >&2; exit 2; }
done
[ -n "$sizes" ] || { echo "error: --sizes is empty" >&2; exit 2; }

say() { echo "==> $*" >&2; }
warn() { echo "warning: $*" >&2; }

# --- tools: never skip silently -------------------------------------------------------------
missing=0
if ! command -v hyperfine >/dev/null || { [ "$use_hugo" = 1 ] && ! command -v hugo >/dev/null; }; then
  echo "error: hyperfine and hugo are needed (found: hyperfine: $(command -v hyperfine || echo no), hugo: $(command -v hugo || echo no))." >&2
  echo "Install them (Debian/Ubuntu packages) with:" >&2
  echo "  sudo apt-get install -y hugo hyperfine" >&2
  missing=1
fi
if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time (GNU time, for peak RSS) is missing. Install it with:" >&2
  echo "  sudo apt-get install -y time" >&2
  missing=1
fi
command -v python3 >/dev/null || { echo "error: python3 is needed (gen_corpus.py and the JSON summaries)" >&2; missing=1; }
command -v cargo >/dev/null || { echo "error: cargo is needed to build briefing and bench/floor" >&2; missing=1; }
[ -f "$gen" ] || { echo "error: gen_corpus.py not found at $gen (set GEN_CORPUS=path)" >&2; missing=1; }
[ "$missing" = 0 ] || exit 1
[ "$use_hugo" = 1 ] || say "hugo skipped on request (--no-hugo): briefing and the floor only"

cores=$(nproc)
load=$(cut -d' ' -f1 /proc/loadavg)
if python3 -c "import sys; sys.exit(0 if float('$load') > 0.5 else 1)"; then
  warn "load average is $load: something else is using the CPU, timings will be noisy"
fi

# --- builds ---------------------------------------------------------------------------------
briefing="${BRIEFING:-$repo/target/release/briefing}"  # BRIEFING=path times another binary
floor="$here/floor/target/release/briefing-floor"
briefing_ok=1
briefing_problem=""
if [ "$do_build" = 1 ]; then
  say "building briefing: cargo build --release (in $repo)"
  if ! (cd "$repo" && cargo build --release); then
    briefing_ok=0
    briefing_problem="\`cargo build --release\` failed (its errors are printed above)"
  fi
fi
if [ "$briefing_ok" = 1 ] && [ ! -x "$briefing" ]; then
  briefing_ok=0
  briefing_problem="no binary at $briefing"
fi
if [ "$briefing_ok" = 0 ]; then
  echo "error: BRIEFING CANNOT BE BENCHMARKED: $briefing_problem. Continuing with hugo and the floor only; the run will exit 1." >&2
fi
say "building the floor program (bench/floor, release)"
(cd "$here/floor" && cargo build --release --quiet)

mkdir -p "$out" "$here/results"
out="$(cd "$out" && pwd)"
q() { printf '%q' "$1"; }

# Old outputs are moved into $trash, not deleted, until the run ends: on ext4 without a journal,
# a file created within a minute of many deletions makes the kernel scan past every freed inode
# (fs/ext4/ialloc.c, recently_deleted), so deleting the last output would be timed as part of
# the next build. See bench/README.md.
trash="$out/trash"
if [ -d "$trash" ]; then
  # Six minutes: once new files dirty an inode-table block, ext4 counts the deletions in it as
  # recent for 360 s instead of 60.
  say "removing the outputs an earlier run left in $trash, then waiting 6 minutes for ext4 to settle"
  rm -rf "$trash"; sync; sleep 370
fi
mkdir -p "$trash"
trap 'rm -rf "$trash"' EXIT
# set_aside PATH: moves PATH (if it exists) into the trash, in one rename.
set_aside() { if [ -e "$1" ]; then mv "$1" "$(mktemp -d -p "$trash")/"; fi; }
# The same as a shell command for hyperfine's --prepare: an empty output directory, and nothing
# of the last build waiting to be written back.
prepare_cmd() {
  if [ "$delete_output" = 1 ]; then
    echo "rm -rf $(q "$1") && sync"
  else
    echo "if [ -e $(q "$1") ]; then mv $(q "$1") \"\$(mktemp -d -p $(q "$trash"))/\"; fi && sync"
  fi
}
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.stdin.read().split()))"; }
fmt() { python3 -c "import sys; print(format(float(sys.argv[2]), sys.argv[1]))" "$@"; }

# build_once NAME SITE LOGFILE CMD...: one build from an empty output dir under /usr/bin/time.
# Prints the peak RSS in KiB; returns non-zero (after reporting why) when the build fails.
build_once() {
  local name="$1" site="$2" log="$3"; shift 3
  set_aside "$site/public"; sync
  local rc=0
  /usr/bin/time -f '%M' -o "$log.rss" "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    echo "error: $name failed (exit status $rc) on $site; command: $*. Last lines of its output ($log):" >&2
    tail -n 40 "$log" | sed 's/^/    /' >&2
    return 1
  fi
  if [ ! -f "$site/public/index.html" ]; then
    echo "error: $name exited 0 but wrote no $site/public/index.html. Its output:" >&2
    tail -n 40 "$log" | sed 's/^/    /' >&2
    return 1
  fi
  tail -n 1 "$log.rss"
}

table="| pages | briefing median (s) | hugo median (s) | briefing / hugo | briefing peak RSS (MB) | hugo peak RSS (MB) | floor: 1 thread (s) | floor / $cores cores (s) |
|---:|---:|---:|---:|---:|---:|---:|---:|"
details=""
failed=0

for size in $sizes; do
  n="${runs:-5}"; w="$warmup"
  if [ "$size" -ge "$big" ]; then n="$big_runs"; w=0; fi

  # --- the corpus, written once per size (and again only when gen_corpus.py changes) -------
  corpus="$out/corpus-$size"
  stamp="$(sha256sum "$gen" | cut -d' ' -f1) pages=$size"
  if [ "$(cat "$corpus/.stamp" 2>/dev/null || true)" != "$stamp" ]; then
    say "writing the $size-page corpus (gen_corpus.py --pages $size --engine none)"
    set_aside "$corpus"
    python3 "$gen" "$corpus" --pages "$size" --engine none >&2
    echo "$stamp" >"$corpus/.stamp"
  fi
  sections=$(find "$corpus/content" -mindepth 1 -maxdepth 1 -type d | wc -l)
  expected_html=$((size + sections + 2)) # pages, sections, home, 404

  # --- the two sites: the same content/ (hard links, read-only for both tools) --------------
  bsite="$out/briefing-$size"; hsite="$out/hugo-$size"
  set_aside "$bsite"; set_aside "$hsite"
  mkdir -p "$bsite"
  cp -rl "$corpus/content" "$bsite/content" 2>/dev/null || cp -r "$corpus/content" "$bsite/content"
  cp "$here/site.toml" "$bsite/site.toml"
  cp -r "$here/templates" "$bsite/templates"
  if [ "$use_hugo" = 1 ] && { [ -z "$hugo_max" ] || [ "$size" -le "$hugo_max" ]; }; then
    mkdir -p "$hsite"
    cp -rl "$corpus/content" "$hsite/content" 2>/dev/null || cp -r "$corpus/content" "$hsite/content"
    python3 "$gen" "$hsite" --pages "$size" --engine hugo --no-content >/dev/null
  fi
  # The briefing nav must match the corpus's sections (and Hugo's nav), or the work differs.
  python3 - "$here/site.toml" "$corpus/content" "$hsite/hugo.toml" <<'EOF'
import os, sys, tomllib
site, content, hugo = sys.argv[1:]
nav = [(s["title"], s["url"]) for s in tomllib.load(open(site, "rb"))["extra"]["nav"]]
dirs = sorted(d for d in os.listdir(content) if os.path.isdir(os.path.join(content, d)))
if sorted(u.strip("/") for _, u in nav) != dirs:
    sys.exit(f"error: bench/site.toml's [extra] nav {[u for _, u in nav]} does not match the corpus sections {dirs}")
if os.path.exists(hugo):
    hnav = [(s["title"], s["url"]) for s in tomllib.load(open(hugo, "rb"))["params"]["nav"]]
    if hnav != nav:
        sys.exit(f"error: bench/site.toml's nav differs from the Hugo nav gen_corpus.py wrote: {hnav}")
EOF

  b_cmd="$(q "$briefing") build --quiet --root $(q "$bsite") --output-dir $(q "$bsite/public")"
  h_cmd="hugo --source $(q "$hsite") --destination $(q "$hsite/public") --quiet"

  # --- check builds, and peak RSS: median of 3 builds each (the check is the first) ---------
  b_ok="$briefing_ok"; h_ok="$use_hugo"
  over_hugo_max=0
  if [ -n "$hugo_max" ] && [ "$size" -gt "$hugo_max" ]; then h_ok=0; over_hugo_max=1; fi
  b_rss="-"; h_rss="-"; b_html="-"; h_html="-"
  if [ "$b_ok" = 1 ]; then
    say "$size pages: briefing check build + peak RSS (3 builds)"
    if r1=$(build_once briefing "$bsite" "$out/briefing-$size.log" "$briefing" build --quiet --root "$bsite" --output-dir "$bsite/public"); then
      b_html=$(find "$bsite/public" -name '*.html' | wc -l)
      r2=$(build_once briefing "$bsite" "$out/briefing-$size.log" "$briefing" build --quiet --root "$bsite" --output-dir "$bsite/public")
      r3=$(build_once briefing "$bsite" "$out/briefing-$size.log" "$briefing" build --quiet --root "$bsite" --output-dir "$bsite/public")
      b_rss=$(printf '%s\n' "$r1" "$r2" "$r3" | median)
    else
      b_ok=0
      briefing_problem="\`briefing build\` failed on the $size-page site (log: $out/briefing-$size.log)"
      echo "error: BRIEFING FAILED on the $size-page site; timing hugo and the floor only. The run will exit 1." >&2
    fi
  fi
  if [ "$h_ok" = 1 ]; then
    say "$size pages: hugo check build + peak RSS (3 builds)"
    r1=$(build_once hugo "$hsite" "$out/hugo-$size.log" hugo --source "$hsite" --destination "$hsite/public" --quiet)
    h_html=$(find "$hsite/public" -name '*.html' | wc -l)
    r2=$(build_once hugo "$hsite" "$out/hugo-$size.log" hugo --source "$hsite" --destination "$hsite/public" --quiet)
    r3=$(build_once hugo "$hsite" "$out/hugo-$size.log" hugo --source "$hsite" --destination "$hsite/public" --quiet)
    h_rss=$(printf '%s\n' "$r1" "$r2" "$r3" | median)
  fi
  for pair in "briefing:$b_html" "hugo:$h_html"; do
    [ "${pair#*:}" = "-" ] || [ "${pair#*:}" = "$expected_html" ] ||
      warn "${pair%%:*} wrote ${pair#*:} HTML files for $size pages, expected $expected_html ($size pages + $sections sections + home + 404)"
  done

  # --- timing ------------------------------------------------------------------------------
  json="$out/hyperfine-$size.json"
  rm -f "$json" "$out"/hyperfine-"$size"-round-*.json
  names=(); cmds=(); preps=()
  if [ "$b_ok" = 1 ]; then names+=(briefing); cmds+=("$b_cmd"); preps+=("$(prepare_cmd "$bsite/public")"); fi
  if [ "$h_ok" = 1 ]; then names+=(hugo); cmds+=("$h_cmd"); preps+=("$(prepare_cmd "$hsite/public")"); fi
  hf_log="$out/hyperfine-$size.log"
  : >"$hf_log"
  # hyperfine ARGS... -- INDEXES...: one hyperfine call over the commands at those indexes.
  hf() {
    local args=() i
    while [ "$1" != "--" ]; do args+=("$1"); shift; done; shift
    for i in "$@"; do args+=(--prepare "${preps[$i]}" -n "${names[$i]}" "${cmds[$i]}"); done
    if ! hyperfine --style basic "${args[@]}" >>"$hf_log" 2>&1; then
      echo "error: hyperfine failed (a build failed during timing?). Last lines of $hf_log:" >&2
      tail -n 30 "$hf_log" | sed 's/^/    /' >&2
      exit 1
    fi
  }
  if [ "${#names[@]}" -eq 0 ]; then
    say "$size pages: nothing to time"
  elif [ "${#names[@]}" -eq 2 ] && [ "$interleave" = 1 ]; then
    # hyperfine runs all runs of one command before the next; to alternate, each round is one
    # hyperfine call with one run of each, and the order flips every round.
    say "$size pages: timing briefing and hugo alternately, $n rounds (warmup $w each)"
    for r in $(seq 1 "$n"); do
      wr=0; [ "$r" = 1 ] && wr="$w"
      if [ $((r % 2)) = 1 ]; then order=(0 1); else order=(1 0); fi
      hf --warmup "$wr" --runs 1 --export-json "$out/hyperfine-$size-round-$r.json" -- "${order[@]}"
      python3 -c "import json,sys; print('    round $r: ' + ', '.join('%s %.3f s' % (x['command'], x['times'][0]) for x in json.load(open(sys.argv[1]))['results']))" "$out/hyperfine-$size-round-$r.json" >&2
    done
    python3 - "$json" "$n" "$out"/hyperfine-"$size"-round-*.json <<'EOF'
import json, statistics, sys
dest, rounds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
by = {}
for f in files:
    for r in json.load(open(f))["results"]:
        d = by.setdefault(r["command"], {"times": [], "user": [], "system": []})
        d["times"] += r["times"]; d["user"].append(r["user"]); d["system"].append(r["system"])
results = []
for name in ("briefing", "hugo"):
    t = by[name]["times"]
    results.append({"command": name, "times": t, "mean": statistics.mean(t),
                    "stddev": statistics.stdev(t) if len(t) > 1 else None,
                    "median": statistics.median(t), "min": min(t), "max": max(t),
                    "user": statistics.mean(by[name]["user"]), "system": statistics.mean(by[name]["system"])})
json.dump({"mode": "interleaved", "rounds": rounds, "results": results}, open(dest, "w"), indent=2)
EOF
  else
    say "$size pages: timing ${names[*]} with hyperfine, $n runs each (warmup $w)"
    hf --warmup "$w" --runs "$n" --export-json "$json" -- $(seq 0 $((${#names[@]} - 1)))
  fi

  # --- the floor: median of 3 -------------------------------------------------------------
  say "$size pages: floor (pulldown-cmark, one thread), 3 runs"
  floor_runs=$(for _ in 1 2 3; do "$floor" "$corpus/content"; done)
  floor_read=$(grep -o 'read_ms=[0-9.]*' <<<"$floor_runs" | cut -d= -f2 | median)
  floor_render=$(grep -o 'render_ms=[0-9.]*' <<<"$floor_runs" | cut -d= -f2 | median)
  md_mb=$(head -n1 <<<"$floor_runs" | grep -o 'md_bytes=[0-9]*' | cut -d= -f2)
  floor_s=$(fmt .3f "$(python3 -c "print($floor_render / 1000)")")
  floor_per_core=$(fmt .3f "$(python3 -c "print($floor_render / 1000 / $cores)")")

  # --- the row -----------------------------------------------------------------------------
  hstat() { # NAME FIELD: a field of that command's result in $json
    python3 -c "import json,sys; r=[x for x in json.load(open(sys.argv[1]))['results'] if x['command']==sys.argv[2]][0]; v=r[sys.argv[3]]; print('-' if v is None else v)" "$json" "$1" "$2"
  }
  b_cell="-"; h_cell="-"; ratio="-"; b_rss_cell="-"; h_rss_cell="-"
  if [ "$b_ok" = 1 ]; then
    b_med=$(hstat briefing median); b_cell=$(fmt .3f "$b_med")
    b_rss_cell=$(fmt .0f "$(python3 -c "print($b_rss / 1024)")")
  else
    b_cell="FAILED"; failed=1
  fi
  if [ "$h_ok" = 1 ]; then
    h_med=$(hstat hugo median); h_cell=$(fmt .3f "$h_med")
    h_rss_cell=$(fmt .0f "$(python3 -c "print($h_rss / 1024)")")
  else
    h_cell="skipped"
  fi
  if [ "$b_ok" = 1 ] && [ "$h_ok" = 1 ]; then ratio=$(fmt .2f "$(python3 -c "print($b_med / $h_med)")"); fi
  table="$table
| $size | $b_cell | $h_cell | $ratio | $b_rss_cell | $h_rss_cell | $floor_s | $floor_per_core |"

  line="- $size pages ($(fmt .1f "$(python3 -c "print($md_mb / 1e6)")") MB of Markdown, $sections sections):"
  for name in briefing hugo; do
    ok=$b_ok; html=$b_html; [ "$name" = hugo ] && { ok=$h_ok; html=$h_html; }
    if [ "$ok" = 1 ]; then
      sd=$(hstat "$name" stddev); if [ "$sd" = "-" ]; then sd=""; else sd=" ± $(fmt .3f "$sd")"; fi
      line="$line $name mean $(fmt .3f "$(hstat "$name" mean)") s$sd (min $(fmt .3f "$(hstat "$name" min)"), max $(fmt .3f "$(hstat "$name" max)"), user $(fmt .2f "$(hstat "$name" user)") s, sys $(fmt .2f "$(hstat "$name" system)") s; $html HTML files);"
    fi
  done
  mode="alternating"; [ "$interleave" = 1 ] || mode="grouped: all briefing runs, then all hugo runs"
  [ "${#names[@]}" = 2 ] || mode="one tool"
  line="$line floor read $(fmt .3f "$(python3 -c "print($floor_read / 1000)")") s + render $floor_s s; $n timed runs each ($mode), warmup $w."
  [ "$b_ok" = 1 ] || line="$line briefing: $briefing_problem."
  [ "$use_hugo" = 1 ] || line="$line hugo skipped on request (--no-hugo)."
  [ "$over_hugo_max" = 0 ] || line="$line hugo skipped above --hugo-max $hugo_max pages."
  details="$details
$line"
done

# --- the report ---------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
hugo_v=$(hugo version 2>/dev/null | cut -d' ' -f2 || true)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$repo" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ] || commit="$commit + uncommitted changes"
args="--sizes \"$sizes\"${runs:+ --runs $runs}"
[ -z "${BRIEFING:-}" ] || args="$args (BRIEFING=$BRIEFING)"
[ "$use_hugo" = 1 ] || args="$args --no-hugo"
[ "$interleave" = 1 ] || args="$args --grouped"
[ "$delete_output" = 0 ] || args="$args --delete-output"
[ -z "$hugo_max" ] || args="$args --hugo-max $hugo_max"
[ "$big_runs" = 3 ] || args="$args --big-runs $big_runs"
report="$table
$details

Machine: $cores cores ($cpu), $mem RAM, load average $load at start; ${hugo_v:-no hugo}; $(rustc --version); $(hyperfine --version). briefing at $commit. $(date -u +%Y-%m-%d). Command: \`bench/run.sh $args\`."

echo
echo "$report"
echo "$report" >"$out/report.md"
if [ "$failed" = 1 ] || [ "$briefing_ok" = 0 ]; then
  echo >&2
  echo "error: briefing could not be benchmarked: $briefing_problem." >&2
  echo "bench/results/latest.md was NOT updated; this report is in $out/report.md." >&2
  exit 1
fi
echo "$report" >"$here/results/latest.md"
echo "$report" >"$here/results/pages-$(tr ' ' '-' <<<"$sizes").md"
say "written to bench/results/latest.md and bench/results/pages-$(tr ' ' '-' <<<"$sizes").md; raw data in $out"
