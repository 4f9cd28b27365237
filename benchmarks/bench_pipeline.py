"""Input throughput of the training pipelines, and the time from Stop to the end of a run.

    python benchmarks/bench_pipeline.py [--images 600] [--passes 3]

Writes the demo dataset (600 images) to a temporary folder and, on those same files in
the same run, at 128x128 and batch 32, measures images per second of:

- the plain ``flow_from_dataframe`` iterator (ImageDataGenerator, rescale; one thread,
  as ``fit`` uses it by default);
- vocgui's two pipelines as a run configures them (``flow`` with its worker threads,
  ``tfdata``), labels and shuffling included; the flow pipeline also as ``fit`` reads it
  on TensorFlow (Keras' adapter turns a PyDataset into a ``from_generator`` dataset);
- the ceiling: a bare tf.data read/decode/resize/batch loop (no labels), decoding with
  ``tf.io.decode_jpeg``'s defaults (integer-fast IDCT, full size) as the tfdata
  pipeline does, which the flow pipeline's decoder matches (vocgui/training/decode.py).

Each figure is the best of several interleaved passes (load from other processes only
slows a pass down).

Then it stops a small-CNN run mid-epoch, in-process and through the child process, and
prints the seconds from the Stop request to the run's ``finished`` event. Then the
ratios to the ceiling: tf.data / ceiling, and last flow_from_dataframe (vocgui's flow
pipeline) / ceiling, whose target is >= 0.8 (issue 14). ``--no-stop`` skips the Stop
timings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import tensorflow as tf  # noqa: E402

from vocgui.core.demo import write_demo  # noqa: E402
from vocgui.core.project import LabelSnapshot  # noqa: E402
from vocgui.core.voc import load_voc  # noqa: E402
from vocgui.training.config import Augment, TrainConfig, defaults_for  # noqa: E402
from vocgui.training.data import flow_batches  # noqa: E402
from vocgui.training.job import run_training  # noqa: E402
from vocgui.training.launcher import TrainingProcess  # noqa: E402
from vocgui.training.reporter import CollectingReporter  # noqa: E402
from vocgui.training.tfdata import tfdata_batches  # noqa: E402

SIZE, BATCH = 128, 32


class _AsFitReadsIt:
    """A PyDataset through Keras' own adapter and enqueuer, as ``fit`` reads it on the
    TensorFlow backend (one ``from_generator`` dataset, epochs begun and ended)."""

    def __init__(self, batches) -> None:
        from keras.src.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

        self.adapter = PyDatasetAdapter(batches, shuffle=False)
        self.dataset = self.adapter.get_tf_dataset()

    def one_pass(self) -> None:
        self.adapter.on_epoch_begin()
        for _ in self.dataset:
            pass
        self.adapter.on_epoch_end()


def _one_pass(batches) -> None:
    """Pull every batch once, as training would: a PyDataset through ``workers`` threads
    (what Keras' enqueuer does), a tf.data pipeline by iterating it."""
    if isinstance(batches, _AsFitReadsIt):
        batches.one_pass()
        return
    if isinstance(batches, tf.data.Dataset):
        for _ in batches:
            pass
        return
    if hasattr(batches, "on_epoch_end"):
        batches.on_epoch_end()
    workers = max(1, getattr(batches, "workers", 1))
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(batches.__getitem__, range(len(batches))):
            pass


def _rates(pipelines: dict, n_images: int, rounds: int) -> dict[str, float]:
    """Best images/s of each pipeline over ``rounds`` interleaved passes (after a warm-up
    pass each): other load on a shared machine only ever slows a pass down."""
    best = dict.fromkeys(pipelines, 0.0)
    for batches in pipelines.values():
        _one_pass(batches)
    for _ in range(rounds):
        for name, batches in pipelines.items():
            start = time.perf_counter()
            _one_pass(batches)
            best[name] = max(best[name], n_images / (time.perf_counter() - start))
    return best


def _plain_flow(paths, labels, classes):
    frame = pd.DataFrame({"path": paths, "labels": [list(lbl) for lbl in labels]})
    generator = tf.keras.preprocessing.image.ImageDataGenerator(rescale=1.0 / 255)
    return generator.flow_from_dataframe(frame, directory=None, x_col="path", y_col="labels",
                                         classes=classes, class_mode="categorical",
                                         target_size=(SIZE, SIZE), batch_size=BATCH)


def _ceiling(paths) -> tf.data.Dataset:
    def decode(path):
        image = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
        return tf.image.resize(image, (SIZE, SIZE)) / 255.0

    return (tf.data.Dataset.from_tensor_slices(paths)
            .map(decode, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(BATCH).prefetch(tf.data.AUTOTUNE))


def _stop_in_process(snapshot, out: Path) -> float:
    """Seconds from the Stop request (first batch event of epoch 2) to ``finished``."""
    marks: dict[str, float] = {}

    def stop_after(event) -> bool:
        if event["type"] == "batch" and event["epoch"] == 2:
            marks.setdefault("stop", time.perf_counter())
            return True
        if event["type"] == "finished":
            marks["end"] = time.perf_counter()
        return False

    config = defaults_for("small_cnn", epochs=50, target_size=96, augment=Augment.off())
    run_training(snapshot, config, out, CollectingReporter(stop_after))
    return marks["end"] - marks["stop"]


def _stop_child(snapshot, out: Path, config: TrainConfig) -> tuple[float, float]:
    """(seconds to the finished event, seconds until the child process has exited)."""
    with TrainingProcess(snapshot, config, out) as process:
        stop_at = None
        for event in process.events(timeout=300):
            if event["type"] == "batch" and event["epoch"] == 2 and stop_at is None:
                stop_at = time.perf_counter()
                process.stop(timeout=30)
            if event["type"] == "finished":
                finished = time.perf_counter() - stop_at
        process.close()
        return finished, time.perf_counter() - stop_at


def _print_stop_times(dataset, paths, labels, classes, tmp: Path) -> None:
    snapshot = LabelSnapshot(tuple(classes), pd.DataFrame({
        "row": np.arange(len(paths)), "path": paths, "labels": labels,
        "split": list(dataset.images["split"])}))
    print(f"Stop -> finished, small CNN in-process: "
          f"{_stop_in_process(snapshot, tmp / 'stop1'):.2f} s")
    child_config = defaults_for("small_cnn", epochs=50, target_size=96, augment=Augment.off())
    to_event, to_exit = _stop_child(snapshot, tmp / "stop2", child_config)
    print(f"Stop -> finished, small CNN child process: {to_event:.2f} s "
          f"(process exited after {to_exit:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--passes", type=int, default=5, help="timed passes per pipeline")
    parser.add_argument("--no-stop", action="store_true", help="skip the Stop timings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_demo(Path(tmp) / "demo", n_images=args.images, seed=0)
        dataset = load_voc(root)
        paths = dataset.absolute_paths()
        labels = list(dataset.images["labels"])
        classes = list(dataset.classes)
        n = len(paths)
        config = TrainConfig()
        common = {"target_size": SIZE, "batch_size": BATCH, "shuffle": True, "seed": 0,
                  "workers": config.workers}
        flow_name, tfdata_name = f"vocgui flow ({config.workers} threads)", "vocgui tfdata"
        ceiling_name = "ceiling: bare tf.data decode/resize"
        plain_name = "plain flow_from_dataframe iterator"
        fit_name = "vocgui flow as fit reads it on TensorFlow"
        rates = _rates({
            plain_name: _plain_flow(paths, labels, classes),
            flow_name: flow_batches(paths, labels, classes, **common),
            fit_name: _AsFitReadsIt(flow_batches(paths, labels, classes, **common)),
            tfdata_name: tfdata_batches(paths, labels, classes, **common),
            ceiling_name: _ceiling(paths),
        }, n, args.passes)
        print(f"{n} demo images at {SIZE}x{SIZE}, batch {BATCH}, best of {args.passes} "
              f"passes, {os.cpu_count()} CPUs")
        for name, rate in rates.items():
            print(f"  {name:<45} {rate:8.0f} img/s")

        if not args.no_stop:
            _print_stop_times(dataset, paths, labels, classes, Path(tmp))
        print(f"plain flow_from_dataframe / ceiling: "
              f"{rates[plain_name] / rates[ceiling_name]:.2f}")
        print(f"vocgui flow as fit reads it on TensorFlow / ceiling: "
              f"{rates[fit_name] / rates[ceiling_name]:.2f}")
        print(f"vocgui tf.data / ceiling: {rates[tfdata_name] / rates[ceiling_name]:.2f}")
        print(f"vocgui flow_from_dataframe / ceiling: "
              f"{rates[flow_name] / rates[ceiling_name]:.2f}")


if __name__ == "__main__":
    main()
