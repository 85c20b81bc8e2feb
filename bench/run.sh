#!/usr/bin/env bash
# Full-build benchmark: briefing beside Hugo on the corpus from ../shared/bench/gen_corpus.py.
#
#   bench/run.sh [--sizes "1000 10000"] [--runs N] [--out DIR] [--no-hugo]
#
# For each size: writes the corpus once, copies the same content/ into a briefing site
# (bench/site.toml + bench/templates) and a Hugo site (gen_corpus --engine hugo), then times
# both with hyperfine in one run, alternating, each starting from an empty output directory.
# Peak memory comes from /usr/bin/time. The floor is pulldown-cmark alone on one thread.
# Prints a Markdown table of medians and ratios, also written to bench/results/latest.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
shared="${SHARED:-$repo/../shared}"
sizes="1000 10000"
runs=5
out="${TMPDIR:-/tmp}/briefing-bench"
use_hugo=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-hugo) use_hugo=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ "$use_hugo" = 1 ] && ! command -v hugo >/dev/null; then missing+=(hugo); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]}. Install with: sudo apt-get install -y ${missing[*]}" >&2
  echo "(or pass --no-hugo to time briefing alone)" >&2
  exit 1
fi

echo "building briefing and the floor program (release)..." >&2
(cd "$repo" && cargo build --release --quiet)
(cd "$here/floor" && cargo build --release --quiet)
briefing="$repo/target/release/briefing"
floor="$here/floor/target/release/briefing-floor"
mkdir -p "$out" "$here/results"

median_of() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
peak_rss_mb() { # command...: median peak RSS of 3 runs, in MB
  for _ in 1 2 3; do
    "$@" >/dev/null 2>/dev/null || true
    /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1
  done | median_of | awk '{printf "%.0f", $1/1024}'
}

table="| pages | briefing median (s) | hugo median (s) | briefing / hugo | briefing peak RSS (MB) | hugo peak RSS (MB) | floor: render on 1 thread (s) | floor / 2 cores (s) | briefing / (floor/cores) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for size in $sizes; do
  corpus="$out/corpus-$size"
  if [ ! -d "$corpus/content" ]; then
    echo "writing the $size-page corpus..." >&2
    python3 "$shared/bench/gen_corpus.py" "$corpus" --pages "$size" --engine none >/dev/null
  fi
  bsite="$out/briefing-$size"; hsite="$out/hugo-$size"
  rm -rf "$bsite" "$hsite"; mkdir -p "$bsite" "$hsite"
  cp -r "$corpus/content" "$bsite/content"; cp "$here/site.toml" "$bsite/"; cp -r "$here/templates" "$bsite/templates"
  b_cmd="$briefing --quiet build --root $bsite --output-dir $bsite/public"
  h_cmd="hugo --quiet --source $hsite --destination $hsite/public"
  n=$runs; [ "$size" -ge 100000 ] && n=1
  json="$out/hyperfine-$size.json"
  if [ "$use_hugo" = 1 ]; then
    cp -r "$corpus/content" "$hsite/content"
    python3 "$shared/bench/gen_corpus.py" "$hsite" --pages "$size" --engine hugo --no-content >/dev/null
    hyperfine --style basic --warmup 1 --runs "$n" --export-json "$json" \
      --prepare "rm -rf $bsite/public $hsite/public; sync" \
      -n briefing "$b_cmd" -n hugo "$h_cmd" >&2
  else
    echo "hugo skipped on request (--no-hugo)" >&2
    hyperfine --style basic --warmup 1 --runs "$n" --export-json "$json" \
      --prepare "rm -rf $bsite/public; sync" -n briefing "$b_cmd" >&2
  fi
  b_med=$(python3 -c "import json,sys; r=json.load(open('$json'))['results']; print('%.3f' % r[0]['median'])")
  h_med="-"; ratio="-"; h_rss="-"
  if [ "$use_hugo" = 1 ]; then
    h_med=$(python3 -c "import json; r=json.load(open('$json'))['results']; print('%.3f' % r[1]['median'])")
    ratio=$(python3 -c "print('%.2f' % ($b_med / $h_med))")
    h_rss=$(peak_rss_mb bash -c "rm -rf $hsite/public; exec $h_cmd")
  fi
  b_rss=$(peak_rss_mb bash -c "rm -rf $bsite/public; exec $b_cmd")
  floor_s=$(for _ in 1 2 3; do "$floor" "$corpus/content" | awk '{print $2/1000}'; done | median_of)
  per_core=$(python3 -c "print('%.3f' % ($floor_s / 2))")
  vs_floor=$(python3 -c "print('%.1f' % ($b_med / ($floor_s / 2)))")
  table="$table
| $size | $b_med | $h_med | $ratio | $b_rss | $h_rss | $floor_s | $per_core | $vs_floor |"
done

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; $(hugo version 2>/dev/null | cut -d' ' -f2 || echo 'no hugo'); $(rustc --version)"
report="$table

Machine: $machine. $(date -u +%Y-%m-%d). Command: \`bench/run.sh --sizes \"$sizes\" --runs $runs\`."
echo "$report"
echo "$report" > "$here/results/latest.md"
