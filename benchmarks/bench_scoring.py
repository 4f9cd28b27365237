"""The scoring pass against a bare ``model.predict`` over the same files and pipeline.

    python benchmarks/bench_scoring.py [--images 600] [--unlabeled 200] [--passes 3]

Writes the demo dataset (600 annotated + 200 unlabeled JPEGs), trains a small CNN for
one epoch on it (without the scoring pass), then, on every image of the project, times
in the same run:

- the bare baseline: ``model.predict`` on a tf.data read/decode/resize/batch pipeline of
  the same paths at the same size and batch (the run's validation preprocessing), no
  callbacks, scores only;
- vocgui's scoring pass (:func:`vocgui.training.scoring.score_images`): the same
  pipeline plus the pooled features output, progress events, the Stop check and the
  tolerance of undecodable files.

Each figure is the best of several interleaved passes. The last line is the ratio
baseline time / vocgui time; the target is >= 0.9.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from vocgui.core.demo import write_demo  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.training.config import Augment, defaults_for  # noqa: E402
from vocgui.training.job import run_training  # noqa: E402
from vocgui.training.preprocessing import needs_antialias  # noqa: E402
from vocgui.training.reporter import CollectingReporter  # noqa: E402
from vocgui.training.scoring import score_images  # noqa: E402
from vocgui.training.tfdata import _decode  # noqa: E402


def bare_predict(model: keras.Model, paths: list[str], size: int, batch: int,
                 antialias: bool) -> int:
    ds = tf.data.Dataset.from_tensor_slices(tf.constant(paths))
    ds = ds.map(lambda p: _decode(p, size, antialias), num_parallel_calls=tf.data.AUTOTUNE,
                deterministic=True).batch(batch).prefetch(tf.data.AUTOTUNE)
    return len(model.predict(ds, verbose=0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--unlabeled", type=int, default=200)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    config = defaults_for("small_cnn", epochs=1, target_size=96, batch_size=32,
                          augment=Augment.off())
    with tempfile.TemporaryDirectory() as tmp:
        root = write_demo(Path(tmp) / "demo", n_images=args.images,
                          n_unlabeled=args.unlabeled)
        with Project.create_from_voc(Path(tmp) / "demo.vocgui", root) as project:
            snapshot = project.snapshot()
            rows, paths = project.image_list()
        result = run_training(snapshot, config, Path(tmp) / "run", CollectingReporter())
        assert result.status == "completed", result.message
        model = keras.models.load_model(result.model_path, compile=False)
        val = snapshot.frame[snapshot.frame["split"] == "val"]["path"].tolist()
        antialias = needs_antialias(val, config.target_size)
        bare_predict(model, paths[:64], config.target_size, config.batch_size, antialias)
        score_images(model, rows[:64], paths[:64], config, antialias, CollectingReporter())
        bare_s, ours_s = [], []
        for _ in range(args.passes):
            start = time.perf_counter()
            n = bare_predict(model, paths, config.target_size, config.batch_size, antialias)
            bare_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            scored = score_images(model, rows, paths, config, antialias,
                                  CollectingReporter())
            ours_s.append(time.perf_counter() - start)
            assert n == len(scored.rows) == len(paths)
        bare, ours = min(bare_s), min(ours_s)
        print(f"{len(paths)} images ({args.unlabeled} unlabeled) at {config.target_size} px, "
              f"batch {config.batch_size}, best of {args.passes}")
        print(f"bare model.predict:    {bare:.2f} s ({len(paths) / bare:.0f} img/s)")
        print(f"vocgui scoring pass:   {ours:.2f} s ({len(paths) / ours:.0f} img/s), "
              f"features {scored.features.shape[1]} float16 per image")
        print(f"ratio baseline / vocgui: {bare / ours:.2f}x")


if __name__ == "__main__":
    main()
