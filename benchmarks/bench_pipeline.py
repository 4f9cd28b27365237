"""Input throughput of the training pipelines, in ``fit`` too, and the time from Stop to
the end of a run.

    python benchmarks/bench_pipeline.py [--images 600] [--rounds 9] [--no-stop]

Writes the demo dataset (600 images) to a temporary folder and, on those same files in
the same run, at 128x128 and batch 32, measures images per second of:

- reading every batch once (no model), for the plain ``flow_from_dataframe`` iterator
  (ImageDataGenerator, rescale; one thread, as ``fit`` uses it by default); vocgui's
  flow pipeline as ``fit`` reads it on TensorFlow (``make_batches``: a tf.data graph
  over the PyDataset, vocgui/training/flow_tf.py), as JAX and PyTorch read it (the
  PyDataset in its ``workers`` threads) and as Keras' own PyDataset adapter reads it on
  TensorFlow (what ``fit`` did before); vocgui's tf.data pipeline; and the ceiling, a
  bare tf.data read/decode/resize/batch loop (no labels) decoding with
  ``tf.io.decode_jpeg``'s defaults (integer-fast IDCT, full size) as the tfdata pipeline
  does, which the flow pipeline's decoder matches (vocgui/training/decode.py);
- training, as a run does it on the TensorFlow backend: one epoch of ``fit`` over 480
  images followed by ``predict`` over the other 120 (the validation pass every epoch of
  a run makes), for the flow pipeline (``make_batches``), the same PyDataset handed to
  ``fit`` directly (Keras' adapter) and the tf.data pipeline. The model is a 16x16
  average pool and one Dense layer, whose step costs next to nothing, so the figure is
  what ``fit`` gets from the pipeline (a real backbone's step takes most of an epoch);
  images per second over all 600.

Timing on a shared machine: one untimed pass (or epoch) of each first, then ``--rounds``
rounds, each timing every pipeline once in turn; a pipeline's figure is its median over
the rounds, and each ratio is the median of the ratios within each round (both pipelines
timed moments apart, so load from other processes mostly cancels out). Beside each
figure: this process's CPU milliseconds per image, which the load hardly changes.

Then it stops a small-CNN run mid-epoch, in-process and through the child process, and
prints the seconds from the Stop request to the run's ``finished`` event (``--no-stop``
skips this). Then the ratios: in ``fit``, flow / tf.data (target >= 0.8, issue 14); when
reading, tf.data / ceiling, and last flow (as ``fit`` reads it on TensorFlow) /
ceiling, whose target is >= 0.8 (issue 14).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"  # what the figures are about
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import tensorflow as tf  # noqa: E402

from vocgui.core.demo import write_demo  # noqa: E402
from vocgui.core.project import LabelSnapshot  # noqa: E402
from vocgui.core.voc import load_voc  # noqa: E402
from vocgui.training.config import Augment, TrainConfig, defaults_for  # noqa: E402
from vocgui.training.data import flow_batches, make_batches  # noqa: E402
from vocgui.training.job import run_training  # noqa: E402
from vocgui.training.launcher import TrainingProcess  # noqa: E402
from vocgui.training.reporter import CollectingReporter  # noqa: E402
from vocgui.training.tfdata import tfdata_batches  # noqa: E402

SIZE, BATCH = 128, 32
#: Share of the images that train in the fit timings; the rest are the validation pass.
TRAIN_SHARE = 0.8


class _KerasAdapter:
    """A PyDataset through Keras' own adapter and enqueuer, as ``fit`` reads it on the
    TensorFlow backend when handed the PyDataset (one ``from_generator`` dataset)."""

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
    """Pull every batch once: a PyDataset through ``workers`` threads (what Keras'
    enqueuer does on JAX and PyTorch), a tf.data pipeline by iterating it."""
    if isinstance(batches, _KerasAdapter):
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


#: A timed run: (images, seconds) of one pass or epoch.
Run = Callable[[], tuple[int, float]]


def _timed_rounds(runs: dict[str, Run], rounds: int) -> list[dict[str, tuple[float, float]]]:
    """Each run's (images/s, CPU ms of this process per image) in every round, after one
    untimed call each; the runs of a round go one after another (every other round in
    reverse, so none always follows the same one), so each round's ratios compare like
    with like. CPU time hardly depends on the load from other processes."""
    for run in runs.values():
        run()
    results = []
    for round_ in range(rounds):
        results.append({})
        order = list(runs.items())
        for name, run in order if round_ % 2 == 0 else order[::-1]:
            cpu = time.process_time()
            images, seconds = run()
            results[-1][name] = (images / seconds, 1000 * (time.process_time() - cpu) / images)
    return results


def _median(results: list[dict[str, tuple[float, float]]], name: str,
            baseline: str | None = None, column: int = 0) -> float:
    """The median over the rounds of ``name``'s images/s (``column`` 1: CPU ms per
    image), or of its ratio to ``baseline``'s within each round."""
    return statistics.median(r[name][column] / (r[baseline][column] if baseline else 1.0)
                             for r in results)


def _ratio(results: list[dict[str, tuple[float, float]]], name: str, baseline: str) -> str:
    """The median ratio of ``name`` to ``baseline``, and the middle half of the rounds'."""
    ratios = sorted(r[name][0] / r[baseline][0] for r in results)
    quarter = len(ratios) // 4
    return (f"{statistics.median(ratios):.2f} (middle half of the rounds "
            f"{ratios[quarter]:.2f}-{ratios[-1 - quarter]:.2f})")


def _reading(batches, n_images: int) -> Run:
    def run() -> tuple[int, float]:
        start = time.perf_counter()
        _one_pass(batches)
        return n_images, time.perf_counter() - start

    return run


class _EpochTimer(keras.callbacks.Callback):
    """Seconds of the last epoch, from its start to the end of the validation pass."""

    def __init__(self, val) -> None:
        super().__init__()
        self.val, self.seconds = val, 0.0

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.model.predict(self.val, verbose=0)
        self.seconds = time.perf_counter() - self._start


def _probe_model(n_classes: int) -> keras.Model:
    """A model whose step costs next to nothing: the input pipeline sets the pace."""
    inputs = keras.Input((SIZE, SIZE, 3))
    pooled = keras.layers.Flatten()(keras.layers.AveragePooling2D(16)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(n_classes, activation="sigmoid")(pooled))
    model.compile("adam", "binary_crossentropy")
    return model


def _training(train, val, n_images: int, n_classes: int) -> Run:
    model, timer = _probe_model(n_classes), _EpochTimer(val)

    def run() -> tuple[int, float]:
        model.fit(train, epochs=1, verbose=0, callbacks=[timer], shuffle=False)
        return n_images, timer.seconds

    return run


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


def _reading_rates(paths, labels, classes, common: dict, rounds: int):
    n = len(paths)
    names = {"plain": "plain flow_from_dataframe iterator",
             "flow": "vocgui flow, as fit reads it on TensorFlow",
             "threads": f"vocgui flow, its {common['workers']} threads (JAX, PyTorch)",
             "adapter": "vocgui flow through Keras' PyDataset adapter",
             "tfdata": "vocgui tfdata", "ceiling": "ceiling: bare tf.data decode/resize"}
    plain = _plain_flow(paths, labels, classes)  # it drops the images with no label
    results = _timed_rounds({
        names["plain"]: _reading(plain, plain.samples),
        names["flow"]: _reading(make_batches("flow", paths, labels, classes, **common), n),
        names["threads"]: _reading(flow_batches(paths, labels, classes, **common), n),
        names["adapter"]: _reading(
            _KerasAdapter(flow_batches(paths, labels, classes, **common)), n),
        names["tfdata"]: _reading(tfdata_batches(paths, labels, classes, **common), n),
        names["ceiling"]: _reading(_ceiling(paths), n),
    }, rounds)
    return names, results


def _training_rates(paths, labels, classes, common: dict, rounds: int):
    n_train = int(len(paths) * TRAIN_SHARE)
    train = (paths[:n_train], labels[:n_train], classes)
    val = (paths[n_train:], labels[n_train:], classes)
    unshuffled = {**common, "shuffle": False}
    names = {"flow": "fit + predict: vocgui flow (make_batches)",
             "adapter": "fit + predict: vocgui flow via Keras' adapter",
             "tfdata": "fit + predict: vocgui tfdata"}
    results = _timed_rounds({
        names["flow"]: _training(make_batches("flow", *train, **common),
                                 make_batches("flow", *val, **unshuffled), len(paths),
                                 len(classes)),
        names["adapter"]: _training(flow_batches(*train, **common),
                                    flow_batches(*val, **unshuffled), len(paths),
                                    len(classes)),
        names["tfdata"]: _training(tfdata_batches(*train, **common),
                                   tfdata_batches(*val, **unshuffled), len(paths),
                                   len(classes)),
    }, rounds)
    return names, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds per pipeline")
    parser.add_argument("--no-stop", action="store_true", help="skip the Stop timings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_demo(Path(tmp) / "demo", n_images=args.images, seed=0)
        dataset = load_voc(root)
        paths = dataset.absolute_paths()
        labels = list(dataset.images["labels"])
        classes = list(dataset.classes)
        common = {"target_size": SIZE, "batch_size": BATCH, "shuffle": True, "seed": 0,
                  "workers": TrainConfig().workers}
        read_names, reading = _reading_rates(paths, labels, classes, common, args.rounds)
        fit_names, training = _training_rates(paths, labels, classes, common, args.rounds)
        print(f"{len(paths)} demo images at {SIZE}x{SIZE}, batch {BATCH}, median of "
              f"{args.rounds} rounds, {os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.1f}")
        for results in (reading, training):
            for name in results[0]:
                print(f"  {name:<48} {_median(results, name):6.0f} img/s "
                      f"{_median(results, name, column=1):6.2f} CPU ms/img")

        if not args.no_stop:
            _print_stop_times(dataset, paths, labels, classes, Path(tmp))
        print(f"fit: vocgui flow via Keras' adapter / vocgui tfdata: "
              f"{_median(training, fit_names['adapter'], fit_names['tfdata']):.2f}")
        print(f"fit: vocgui flow / vocgui tfdata: "
              f"{_ratio(training, fit_names['flow'], fit_names['tfdata'])}")
        ceiling = read_names["ceiling"]
        for key in ("plain", "adapter", "threads", "tfdata"):
            print(f"{read_names[key]} / ceiling: "
                  f"{_median(reading, read_names[key], ceiling):.2f}")
        print(f"vocgui flow_from_dataframe (as fit reads it on TensorFlow) / ceiling: "
              f"{_ratio(reading, read_names['flow'], ceiling)}")


if __name__ == "__main__":
    main()
