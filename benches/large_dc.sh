#!/usr/bin/env bash
# Runs the shipped large-dc scenario (100 000 orders a day, 300 associates)
# for a full simulated day and prints wall time, events per second and peak
# memory of the whole `paklog run` process (simulation and Parquet reports).
#
#   benches/large_dc.sh [RUNS]
#
# Goal: under 5 seconds and under 2 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cargo build --quiet --release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 - "$runs" "$out" <<'PY'
import re, resource, statistics, subprocess, sys, time
runs, out = int(sys.argv[1]), sys.argv[2]
walls, rates = [], []
for i in range(runs):
    start = time.perf_counter()
    p = subprocess.run(["target/release/paklog", "run", "-q", "--out", f"{out}/run{i}",
                        "scenarios/examples/large-dc.toml"], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    events = int(re.search(r"events run\s+(\d+)", p.stdout).group(1))
    walls.append(wall)
    rates.append(events / wall)
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(p.stdout, end="")
print(f"large-dc, {runs} runs: wall median {statistics.median(walls):.2f} s "
      f"(min {min(walls):.2f}, max {max(walls):.2f}), "
      f"{statistics.median(rates) / 1e6:.2f} M events/s, peak memory {peak_mib:.0f} MiB")
PY
