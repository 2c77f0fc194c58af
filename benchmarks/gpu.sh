#!/usr/bin/env bash
# One command for a CUDA machine with CuPy and PyTorch (no network needed):
#
#   bash benchmarks/gpu.sh [RESULTS_FILE]        # default benchmarks/gpu_results.md
#
# 1. the test suite's CuPy cases (every test parameterised by backend, `-k cupy`);
# 2. LeNet on CuPy (examples/lenet.py): test accuracy and seconds per epoch;
# 3. the benchmark cases, anygrad on CuPy against PyTorch on CUDA (benchmarks/run.py).
# Everything goes into one results file. Each part has its own time limit so that the
# whole run stays under 10 minutes; a part that fails or times out is recorded as such and
# the next one still runs. Packages beyond CuPy, PyTorch, NumPy, pytest and Hypothesis come
# from benchmarks/wheels (installed with --no-index, only when missing).
# On a machine without a usable GPU it says so and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-benchmarks/gpu_results.md}
PY=${PYTHON:-python3}
TEST_LIMIT=${TEST_LIMIT:-240}
LENET_LIMIT=${LENET_LIMIT:-90}
BENCH_LIMIT=${BENCH_LIMIT:-200}

gpu=$("$PY" - <<'EOF' 2>/dev/null
try:
    import cupy
    if cupy.cuda.is_available() and cupy.cuda.runtime.getDeviceCount() > 0:
        name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
        print(name.decode() if isinstance(name, bytes) else name)
except Exception:
    pass
EOF
)
if [ -z "$gpu" ]; then
    echo "gpu.sh: no usable CUDA GPU here (or CuPy is missing): nothing to run."
    exit 0
fi
if ! "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
    echo "gpu.sh: warning: PyTorch with CUDA is missing; the benchmark part will fail." >&2
fi

# Offline installs of what the suite imports beyond the machine's packages.
missing=()
for pair in array_api_compat:array-api-compat array_api_strict:array-api-strict \
            xdist:pytest-xdist execnet:execnet threadpoolctl:threadpoolctl; do
    mod=${pair%%:*}
    pkg=${pair#*:}
    "$PY" -c "import $mod" 2>/dev/null || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    "$PY" -m pip install --no-index --find-links "$ROOT/benchmarks/wheels" "${missing[@]}" \
        >/dev/null || echo "gpu.sh: warning: could not install ${missing[*]}" >&2
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
workers=$("$PY" -c "import os; print(max(1, min(8, (os.cpu_count() or 2) // 2)))")
xdist=()
"$PY" -c "import xdist" 2>/dev/null && xdist=(-n "$workers")

start=$(date +%s)
{
    echo "# anygrad on a GPU"
    echo
    echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); GPU: $gpu; commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    "$PY" -c "import sys, numpy, cupy; print(f'Python {sys.version.split()[0]}, NumPy {numpy.__version__}, CuPy {cupy.__version__}', end='')"
    "$PY" -c "import torch; print(f', PyTorch {torch.__version__} (CUDA {torch.version.cuda})')" 2>/dev/null || echo
    echo
} > "$OUT"

section() {  # section TITLE LIMIT COMMAND...: run with a time limit, log tail into $OUT
    local title=$1 limit=$2
    shift 2
    echo "== $title (limit ${limit}s)"
    local log t0 rc
    log=$(mktemp)
    t0=$(date +%s)
    # SIGINT first: pytest then still prints the summary of what it ran.
    timeout -s INT -k 20 "$limit" "$@" >"$log" 2>&1
    rc=$?
    {
        echo "## $title"
        echo
        echo "Command: \`$*\` -- exit $rc$([ $rc -eq 124 ] || [ $rc -eq 130 ] && echo ' (time limit)') after $(( $(date +%s) - t0 )) s"
        echo
        echo '```'
        tail -n "${TAIL:-25}" "$log"
        echo '```'
        echo
    } >> "$OUT"
    tail -n 5 "$log"
    rm -f "$log"
}

section "Test suite, CuPy cases" "$TEST_LIMIT" \
    "$PY" -m pytest -q -p no:cacheprovider "${xdist[@]}" -k cupy tests
TAIL=8 section "LeNet on CuPy (embedded MNIST subset, 3 epochs)" "$LENET_LIMIT" \
    "$PY" examples/lenet.py --backend cupy --epochs 3 --checkpoint "" --plot ""
TAIL=40 section "Benchmarks: anygrad on CuPy vs PyTorch on CUDA" "$BENCH_LIMIT" \
    "$PY" benchmarks/run.py --device cuda --rounds 1 --reps 5 \
    --cases per_op mlp_step lenet_64 lenet_256 conv2d lstm
echo "Total: $(( $(date +%s) - start )) s" >> "$OUT"
echo >> "$OUT"
echo "gpu.sh: results in $OUT ($(( $(date +%s) - start )) s)"
