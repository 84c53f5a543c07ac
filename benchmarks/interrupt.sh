#!/usr/bin/env bash
# Interrupting and damaging a `--jobs 2` run (issue 10's checks), with figures printed:
#   1. SIGINT to the run's process group 5 s in (as a terminal's Ctrl-C sends it);
#   2. SIGTERM to the main process 5 s in;
#   3. kill -9 of one worker 4 s in: the run must finish with the same CSVs as a clean run.
# Usage: bash benchmarks/interrupt.sh  (from the repository, with `sufficiency` installed)
set -u
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set -m  # job control: each run gets its own process group and keeps SIGINT

for sig in INT TERM; do
  out=$work/out-$sig
  sufficiency run scenarios/baseline.yaml --replications 400 --jobs 2 --quiet --out "$out" \
    >/dev/null 2>"$work/err-$sig" &
  pid=$!
  sleep 5
  before=$(pgrep -g "$pid" | wc -l)
  if [ "$sig" = INT ]; then kill -INT -- "-$pid"; else kill -TERM "$pid"; fi
  sleep 5
  left=$(pgrep -g "$pid" | wc -l)
  wait "$pid"; status=$?
  present=$(test -e "$out" && echo yes || echo no)
  strays=$(find "$work" -maxdepth 1 -name '.*' | wc -l)
  echo "SIG$sig 5 s in: $before processes before, $left left 5 s after, exit $status," \
       "output folder: $present, staging leftovers: $strays"
  echo "  message: $(cat "$work/err-$sig")"
done

quick=(--replications 100 --seed 3 --quiet)
sufficiency run scenarios/baseline.yaml "${quick[@]}" --out "$work/clean" >/dev/null
sufficiency run scenarios/baseline.yaml "${quick[@]}" --jobs 2 --out "$work/killed" \
  >/dev/null 2>"$work/err-killed" &
pid=$!
sleep 4
worker=$(pgrep -P "$pid" | head -1)
kill -9 "$worker"
wait "$pid"; status=$?
same=0; total=0
for f in "$work"/clean/*.csv; do
  total=$((total + 1))
  cmp -s "$f" "$work/killed/$(basename "$f")" && same=$((same + 1))
done
echo "kill -9 of a worker 4 s in: exit $status, $same of $total CSV files identical to a clean" \
     "run; stderr: '$(cat "$work/err-killed")'"
