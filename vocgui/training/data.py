"""Input pipelines: Keras' flow_from_dataframe (the reference) and a faster tf.data one.

Both yield ``(x, y)`` or ``(x, y, sample_weight)`` batches with ``x`` float32 in [0, 1]
(``rescale=1/255``), shape (batch, size, size, 3), and ``y`` the float32 multi-hot matrix
in the explicit class order, so a model trained on one can be evaluated on the other.

flow_from_dataframe with ``class_mode="categorical"`` and label lists drops every row
whose label list is empty (its ``_filter_classes`` turns ``[]`` into None and calls
``dropna``): such images would silently never be seen, although "no label" is a valid
negative. vocgui gives those rows one extra sentinel class, placed last in ``classes=``,
and :class:`MultiHotBatches` cuts that column off every batch, so negatives train with an
all-zero target.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from PIL import Image

from vocgui.core.stats.labels import multi_hot
from vocgui.training.config import Augment

#: Label given to images with no label so flow_from_dataframe keeps them; cut off again.
NEGATIVE_SENTINEL = "\x00no-label"


class MultiHotBatches(keras.utils.PyDataset):
    """flow_from_dataframe's iterator without its sentinel column, batches prepared in
    ``workers`` threads (the iterator's own ``workers`` argument is ignored)."""

    def __init__(self, iterator, n_classes: int, workers: int) -> None:
        super().__init__(workers=workers, use_multiprocessing=False, max_queue_size=8)
        self.iterator = iterator
        self.n_classes = n_classes
        # Build the (possibly shuffled) index order now: doing it lazily in the first
        # __getitem__ races between worker threads.
        iterator.on_epoch_end()

    def __len__(self) -> int:
        return len(self.iterator)

    def __getitem__(self, index: int):
        x, y, *weights = self.iterator[index]
        return (x, y[:, : self.n_classes], *weights)

    def on_epoch_end(self) -> None:
        self.iterator.on_epoch_end()


def image_data_generator(augment: Augment | None):
    """The Keras ImageDataGenerator: rescale to [0, 1] and the chosen augmentation."""
    augment = augment or Augment.off()
    return tf.keras.preprocessing.image.ImageDataGenerator(
        rescale=1.0 / 255,
        horizontal_flip=augment.horizontal_flip,
        vertical_flip=augment.vertical_flip,
        width_shift_range=augment.shift,
        height_shift_range=augment.shift,
        zoom_range=augment.zoom,
        rotation_range=augment.rotation,
        fill_mode="nearest",
    )


def flow_batches(
    paths: Sequence[str], labels: Sequence[Sequence[str]], classes: Sequence[str], *,
    target_size: int, batch_size: int, shuffle: bool, seed: int = 0,
    augment: Augment | None = None, weights: np.ndarray | None = None, workers: int = 2,
) -> MultiHotBatches:
    """Batches through ``ImageDataGenerator.flow_from_dataframe`` (absolute paths).

    ``labels`` must already be restricted to ``classes`` (see
    :func:`vocgui.training.validate.known_labels`); empty ones are negatives.
    """
    frame = pd.DataFrame({
        "path": [str(p) for p in paths],
        # Label lists, never strings: a list that went through CSV is one string.
        "labels": [list(lbl) or [NEGATIVE_SENTINEL] for lbl in labels],
    })
    if weights is not None:
        frame["weight"] = np.asarray(weights, dtype=np.float64)
    iterator = image_data_generator(augment).flow_from_dataframe(
        frame,
        directory=None,
        x_col="path",
        y_col="labels",
        weight_col="weight" if weights is not None else None,
        classes=[*classes, NEGATIVE_SENTINEL],
        class_mode="categorical",
        target_size=(target_size, target_size),
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        interpolation="bilinear",
        # The images were decoded by vocgui.training.validate already; Keras' own check
        # would only drop files by extension, silently.
        validate_filenames=False,
    )
    if iterator.samples != len(frame):
        raise RuntimeError(
            f"flow_from_dataframe kept {iterator.samples} of {len(frame)} images"
        )
    return MultiHotBatches(iterator, len(classes), workers)


def needs_antialias(paths: Sequence[str], size: int) -> bool:
    """True when some image shrinks by more than 3x to ``size`` (reads headers only).

    PIL's bilinear filter (flow_from_dataframe's) widens with the scale factor;
    tf.image.resize matches it only with ``antialias=True``, which costs about half the
    throughput; up to a 3x reduction the two differ by a few grey levels only.
    """
    for path in paths:
        with Image.open(path) as img:
            if max(img.size) > 3 * size:
                return True
    return False


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
) -> tf.data.Dataset:
    """The same batches as :func:`flow_batches` from a tf.data read/decode/resize pipeline.

    ``workers`` is accepted so the two builders are interchangeable, but tf.data sizes
    its own thread pool (AUTOTUNE). The order is deterministic: unshuffled validation
    batches keep the row order the metrics rely on.
    """
    y = multi_hot(labels, classes).astype(np.float32)
    columns = [tf.constant([str(p) for p in paths]), y]
    if weights is not None:
        columns.append(np.asarray(weights, dtype=np.float32))
    ds = tf.data.Dataset.from_tensor_slices(tuple(columns))
    if shuffle:
        ds = ds.shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
    antialias = needs_antialias(paths, target_size)
    ds = ds.map(lambda path, *rest: (_decode(path, target_size, antialias), *rest),
                num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.batch(batch_size)
    if augment is not None and augment.enabled():
        augmenter = _augmenter(augment, seed)
        ds = ds.map(lambda x, *rest: (augmenter(x, training=True), *rest),
                    num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def make_batches(pipeline: str, *args, **kwargs):
    """``flow_batches`` for pipeline "flow", ``tfdata_batches`` for "tfdata"."""
    build = {"flow": flow_batches, "tfdata": tfdata_batches}[pipeline]
    return build(*args, **kwargs)
