#!/usr/bin/env bash
# GPU check (issue 14): ResNet50 at 224 px, mixed precision, a bounded number of batches,
# on the backend this machine's GPU works with (TensorFlow, else JAX without TensorFlow).
# Prints the device, images per second, the first-batch setup time, peak GPU memory and
# the GUI event-loop lag while it trains; finishes within 5 minutes. Without a GPU it
# prints one line saying so and exits 0.
#
#     bash benchmarks/gpu_check.sh [--batches 40] [--batch-size 64]
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" TF_CPP_MIN_LOG_LEVEL=2
PYTHON="${PYTHON:-python}"
# One budget for the whole check (bash counts SECONDS from the start): the backend probes
# and the run share it, so the script ends within 5 minutes whatever is slow.
BUDGET=290
left() { echo $(( BUDGET - SECONDS > 1 ? BUDGET - SECONDS : 1 )); }

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "gpu_check: no GPU present (nvidia-smi finds no NVIDIA GPU); nothing to measure."
  exit 0
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

# The first backend that really lists a GPU (each asked in its own short process).
backend=""
if timeout 100 "$PYTHON" -c "import tensorflow as tf, sys; sys.exit(0 if tf.config.list_physical_devices('GPU') else 1)" >/dev/null 2>&1; then
  backend=tensorflow
elif timeout "$(( $(left) < 100 ? $(left) : 100 ))" "$PYTHON" -c "import jax, sys; sys.exit(0 if jax.devices('gpu') else 1)" >/dev/null 2>&1; then
  backend=jax
fi
if [ -z "$backend" ]; then
  echo "gpu_check: a GPU is present but neither TensorFlow nor JAX can use it:"
  for b in tensorflow jax; do
    PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -c \
      "from vocgui.training.devices import expected_device as e; print('  ' + e('$b').describe())"
  done
  echo "  (install with: pip install -e \".[gpu]\", or pip install -U \"jax[cuda12]\")"
  exit 1
fi
limit=$(left)
# The run gives up on training this long before the limit, to stop it and report.
seconds=$(( limit > 90 ? limit - 70 : limit / 2 ))
echo "gpu_check: training on $backend (at most $limit s more)"
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" timeout "$limit" "$PYTHON" benchmarks/gpu_check.py \
  --backend "$backend" --seconds "$seconds" "$@"
code=$?
[ "$code" = 124 ] && echo "gpu_check: stopped at the ${BUDGET} s limit"
exit "$code"
