#!/usr/bin/env bash
# How fast a site from files loads: a generated site of 1 000 000 pick
# locations (plus 200 000 reserve, 3 staging, 10 docks) and 200 000 items is
# exported with `paklog site export`, then `paklog validate` reads and checks
# it, every row of the three CSV files, against validating the generated
# scenario itself. Prints the medians and their ratio.
#
#   benches/site_load.sh [RUNS]
#
# Goal: the files load in a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cargo build --quiet --release
bin="${CARGO_TARGET_DIR:-target}/release/paklog"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e 's/^name = .*/name = "million"/' \
    -e 's/^blocks = 1$/blocks = 5/' \
    -e 's/^aisles = 10$/aisles = 250/' \
    -e 's/^bays_per_aisle = 20$/bays_per_aisle = 50/' \
    -e 's/^levels = 4$/levels = 8/' \
    -e 's/^count = 500$/count = 200000/' \
    -e 's/last_aisle = 5 }/last_aisle = 125 }/' \
    -e 's/first_aisle = 6, last_aisle = 10/first_aisle = 126, last_aisle = 250/' \
    -e 's/^dock_doors = 2$/dock_doors = 10/' \
    scenarios/examples/small-dc.toml > "$work/million.toml"
python3 - "$bin" "$runs" "$work" <<'PY'
import statistics, subprocess, sys, time
bin, runs, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def timed(*args):
    start = time.perf_counter()
    subprocess.run([bin, *args], check=True, capture_output=True)
    return time.perf_counter() - start
export = timed("site", "export", f"{work}/million.toml", "--out", f"{work}/files")
rows = sum(sum(1 for _ in open(f"{work}/files/{f}")) - 1 for f in ("locations.csv", "items.csv", "stock.csv"))
generated = statistics.median(timed("validate", f"{work}/million.toml") for _ in range(runs))
files = statistics.median(timed("validate", f"{work}/files/scenario.toml") for _ in range(runs))
print(f"site of 1 000 000 pick locations and 200 000 items ({rows} rows in 3 files)")
print(f"export: {export:.2f} s")
print(f"validate, generated: median {generated:.2f} s over {runs} runs")
print(f"validate, from files: median {files:.2f} s over {runs} runs ({rows / files / 1e6:.2f} M rows/s)")
print(f"ratio files / generated: {files / generated:.2f}")
PY
