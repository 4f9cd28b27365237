"""The flow pipeline as the TensorFlow backend's ``fit`` should read it: a tf.data.Dataset.

Given a :class:`~vocgui.training.data.MultiHotBatches` (a ``keras.utils.PyDataset``),
Keras on TensorFlow wraps it in its ``PyDatasetAdapter``: a thread pool restarted every
epoch feeding one ``from_generator`` whose own prefetching Keras turns off, two batches
decoded serially on every ``fit``/``predict`` call only to learn their shapes, and float
batches copied from Python into TensorFlow. Measured in benchmarks/bench_pipeline.py,
that cost the flow pipeline a third of its speed in ``fit``.

:func:`flow_dataset` instead maps batch numbers to batches in a tf.data graph:
one batch at a time, in order (validation rows stay in place), each one
:meth:`MultiHotBatches.arrays` call in ``tf.numpy_function`` (whose images decode and
resize in ``workers`` threads, releasing the GIL), prefetched across the training step.
The shapes are known without decoding anything, uint8 pixels cross into TensorFlow and
are scaled there (``x * (1/255)`` in float32, the same arithmetic as the PyDataset's
NumPy, so the same floats), and every iteration of the
dataset is the next epoch of the PyDataset's seeded order, as ``on_epoch_end`` would
advance it on the other backends (which read the PyDataset itself). An extra iteration
(Keras peeks at one batch before training under a distribution strategy) moves the
orders on by one epoch: still the same ones for the same seed.
"""

from __future__ import annotations

import itertools

import numpy as np
import tensorflow as tf

from vocgui.training.data import MultiHotBatches

#: Batches ready beyond the ``workers`` being prepared: enough to cover a slow step's
#: jitter, few enough to bound memory (a 224 px float batch of 32 is 19 MB).
PREFETCH = 2


def flow_dataset(batches: MultiHotBatches) -> tf.data.Dataset:
    """``batches`` as a tf.data.Dataset of the same ``(x, y[, weights])`` batches in the
    same order, epoch after epoch (one epoch per iteration, from ``batches.epoch``)."""
    n = len(batches)
    epochs = itertools.count(batches.epoch)

    def next_epoch() -> np.int64:
        return np.int64(next(epochs))

    size = batches.iterator.target_size[0]
    pixels = tf.float32 if batches.scaled_in_batches else tf.uint8
    types = [pixels, tf.float32] + ([tf.float64] if batches.weighted else [])
    shapes = [(None, size, size, 3), (None, batches.n_classes), (None,)]

    def load(epoch, index):
        return batches.arrays(int(epoch), int(index))

    def prepare(epoch, index):
        arrays = tf.numpy_function(load, [epoch, index], types, stateful=True)
        arrays = [tf.ensure_shape(a, shape) for a, shape in zip(arrays, shapes, strict=False)]
        if not batches.scaled_in_batches:
            arrays[0] = tf.cast(arrays[0], tf.float32) * np.float32(batches.rescale)
        return tuple(arrays)

    # One Python call per iteration, i.e. per epoch of fit, names the epoch; the batch
    # numbers come from the graph (a from_generator of them costs ~2 ms of CPU a batch).
    ds = tf.data.Dataset.range(1).map(
        lambda _: tf.numpy_function(next_epoch, [], tf.int64, stateful=True))
    ds = ds.flat_map(lambda epoch: tf.data.Dataset.range(n).map(lambda index: (epoch, index)))
    ds = ds.apply(tf.data.experimental.assert_cardinality(n))
    # One batch at a time (its images decode in ``workers`` threads, in ``arrays``): a
    # Python call is stateful to TensorFlow, and op determinism (on in every TensorFlow
    # run) rewrites a parallel map of one into this sequential map anyway, logging a
    # NodeDef error line about use_unbounded_threadpool while doing so.
    ds = ds.map(prepare)
    return ds.prefetch(PREFETCH)
