"""The tf.data input pipeline: the flow pipeline's batches from a read/decode/resize graph.

Needs TensorFlow installed (it works whichever backend Keras runs: Keras takes a
``tf.data.Dataset`` on all of them); :func:`vocgui.training.data.make_batches` says so
when it is absent. Pixels follow the run's
:class:`~vocgui.training.preprocessing.Preprocessing`; the tolerance against the flow
pipeline is stated there and tested in tests/training/test_pixel_tolerance.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from vocgui.core.stats.labels import multi_hot
from vocgui.training.config import Augment
from vocgui.training.preprocessing import Preprocessing, decide


def _decode(path: tf.Tensor, size: int, antialias: bool) -> tf.Tensor:
    """Read, decode (JPEG, PNG, BMP, GIF), resize bilinearly, scale to [0, 1]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    image = tf.image.resize(image, (size, size), method="bilinear", antialias=antialias)
    return image / 255.0


def _augmenter(augment: Augment, seed: int) -> keras.Sequential:
    """Keras preprocessing layers equivalent to the ImageDataGenerator options."""
    layers: list[keras.layers.Layer] = []
    mode = {(True, True): "horizontal_and_vertical", (True, False): "horizontal",
            (False, True): "vertical"}.get((augment.horizontal_flip, augment.vertical_flip))
    if mode:
        layers.append(keras.layers.RandomFlip(mode, seed=seed))
    if augment.shift:
        layers.append(keras.layers.RandomTranslation(augment.shift, augment.shift,
                                                     fill_mode="nearest", seed=seed))
    if augment.zoom:
        layers.append(keras.layers.RandomZoom(augment.zoom, fill_mode="nearest", seed=seed))
    if augment.rotation:
        layers.append(keras.layers.RandomRotation(augment.rotation / 360.0,
                                                  fill_mode="nearest", seed=seed))
    return keras.Sequential(layers)


def tfdata_batches(
    paths: Sequence[str], labels: Sequence[Sequence[str]], classes: Sequence[str], *,
    target_size: int, batch_size: int, shuffle: bool, seed: int = 0,
    augment: Augment | None = None, weights: np.ndarray | None = None, workers: int = 2,
    preprocessing: Preprocessing | None = None,
) -> tf.data.Dataset:
    """The same batches as :func:`vocgui.training.data.flow_batches`.

    ``preprocessing`` is the run's (decided over all of its images); without one it is
    decided over ``paths``. ``workers`` is accepted so the two builders are
    interchangeable, but tf.data sizes its own thread pool (AUTOTUNE). The order is
    deterministic: unshuffled validation batches keep the row order the metrics rely on.
    """
    y = multi_hot(labels, classes).astype(np.float32)
    columns = [tf.constant([str(p) for p in paths]), y]
    if weights is not None:
        columns.append(np.asarray(weights, dtype=np.float32))
    ds = tf.data.Dataset.from_tensor_slices(tuple(columns))
    if shuffle:
        ds = ds.shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
    antialias = (preprocessing or decide("tfdata", paths, target_size)).antialias
    ds = ds.map(lambda path, *rest: (_decode(path, target_size, antialias), *rest),
                num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.batch(batch_size)
    if augment is not None and augment.enabled():
        augmenter = _augmenter(augment, seed)
        # One batch at a time: the random layers draw from a seed generator's state, so
        # the map is stateful and only reproducible run in order. TensorFlow's op
        # determinism (on in every TensorFlow run) would rewrite a parallel map into this
        # sequential one anyway, and log a NodeDef error line for every run while doing
        # so (its rewrite copies an attribute, use_unbounded_threadpool, that the
        # sequential op lacks).
        ds = ds.map(lambda x, *rest: (augmenter(x, training=True), *rest))
    return ds.prefetch(tf.data.AUTOTUNE)
