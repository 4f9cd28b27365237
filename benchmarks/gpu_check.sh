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

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "gpu_check: no GPU present (nvidia-smi finds no NVIDIA GPU); nothing to measure."
  exit 0
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

# The first backend that really lists a GPU (each asked in its own short process).
backend=""
if timeout 120 "$PYTHON" -c "import tensorflow as tf, sys; sys.exit(0 if tf.config.list_physical_devices('GPU') else 1)" >/dev/null 2>&1; then
  backend=tensorflow
elif timeout 120 "$PYTHON" -c "import jax, sys; sys.exit(0 if jax.devices('gpu') else 1)" >/dev/null 2>&1; then
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
echo "gpu_check: training on $backend"
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" timeout 270 "$PYTHON" benchmarks/gpu_check.py \
  --backend "$backend" --seconds 200 "$@"
code=$?
[ "$code" = 124 ] && echo "gpu_check: stopped at the 270 s limit"
exit "$code"
