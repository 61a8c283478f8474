#!/usr/bin/env bash
# Runs the same M/M/c queue in SimPy and on the PakLog kernel (the `mmc`
# example), one after the other on the same inputs, and prints the speed
# ratio of the whole processes (start-up included).
#
#   benches/mmc_vs_simpy.sh [CUSTOMERS] [ARRIVAL_RATE] [SERVICE_RATE] [SERVERS]
#
# SimPy is installed from PyPI into a throwaway virtual environment that is
# removed on exit. Goal: PakLog at least 200x faster.
set -euo pipefail
cd "$(dirname "$0")/.."

customers=${1:-1000000}
lambda=${2:-0.9}
mu=${3:-1}
servers=${4:-1}
args=(--arrival-rate "$lambda" --service-rate "$mu" --servers "$servers" --customers "$customers" --seed 1)

venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check simpy
cargo build --quiet --release --example mmc

seconds() { # runs "$@", prints its output to stderr and its wall time in seconds to stdout
    local start end
    start=$(date +%s.%N)
    "$@" >&2
    end=$(date +%s.%N)
    python3 -c "print($end - $start)"
}

echo "M/M/$servers, lambda=$lambda, mu=$mu, $customers customers" >&2
echo "SimPy $("$venv/bin/python" -c 'import simpy; print(simpy.__version__)'):" >&2
simpy_s=$(seconds "$venv/bin/python" benches/mmc_simpy.py "${args[@]}")
echo "PakLog:" >&2
paklog_s=$(seconds target/release/examples/mmc "${args[@]}")
python3 - "$simpy_s" "$paklog_s" <<'PY'
import sys
simpy_s, paklog_s = map(float, sys.argv[1:])
print(f"simpy {simpy_s:.3f} s  paklog {paklog_s:.3f} s  ratio {simpy_s / paklog_s:.0f}x")
PY
