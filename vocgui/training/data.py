"""Input pipelines: Keras' flow_from_dataframe (every backend) and tf.data (TensorFlow).

Both yield ``(x, y)`` or ``(x, y, sample_weight)`` batches with ``x`` float32 in [0, 1]
(``rescale=1/255``), shape (batch, size, size, 3), and ``y`` the float32 multi-hot matrix
in the explicit class order, so a model trained on one can be evaluated on the other.
How images are resized is the run's :class:`~vocgui.training.preprocessing.Preprocessing`.

The flow path is Keras' own ``DataFrameIterator`` (labels, class order, sample weights,
the ImageDataGenerator's random transforms), made a first-class path:

- It is a ``keras.utils.PyDataset`` and the legacy ImageDataGenerator imports no
  TensorFlow, so it runs on the JAX and PyTorch backends too.
- flow_from_dataframe with ``class_mode="categorical"`` drops every row whose label list
  is empty (its ``_filter_classes`` turns ``[]`` into None and calls ``dropna``): such
  images would silently never be seen, although "no label" is a valid negative. Those
  rows get one extra sentinel class, placed last in ``classes=``, cut off every batch.
- Speed: batches are decoded in ``workers`` threads straight into one uint8 array
  (:mod:`vocgui.training.decode`: libjpeg-turbo and OpenCV or Pillow, which release the
  GIL, resized as the run's preprocessing says, as tf.data does), scaled to floats once
  per batch; the per-image ImageDataGenerator calls run only when there is a random
  transform to apply.
- Reproducible with threads: the epoch order and each batch's random transforms come
  from generators seeded by (seed, epoch, batch), not from NumPy's global state that
  Keras' iterator reseeds from whichever thread runs.
- On the TensorFlow backend ``fit`` reads it through a tf.data graph of batch numbers
  (:func:`as_keras_input`, :mod:`vocgui.training.flow_tf`) rather than Keras' PyDataset
  adapter, which cost it a third of its speed there; JAX and PyTorch read the PyDataset.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pandas as pd
from keras.src.legacy.preprocessing.image import ImageDataGenerator

from vocgui.training.config import Augment, ConfigError
from vocgui.training.decode import read_batch
from vocgui.training.preprocessing import Preprocessing, decide

#: Label given to images with no label so flow_from_dataframe keeps them; cut off again.
NEGATIVE_SENTINEL = "\x00no-label"
#: ImageDataGenerator.get_random_transform draws from NumPy's global generator; drawing
#: one batch's transforms under this lock, right after seeding it, keeps them exact.
_GLOBAL_RNG_LOCK = threading.Lock()


class MultiHotBatches(keras.utils.PyDataset):
    """flow_from_dataframe's batches without its sentinel column, prepared in ``workers``
    threads, in an order fixed by ``seed`` (see the module docstring); images resized
    with ``antialias`` as :func:`vocgui.training.decode.read_resized` does."""

    def __init__(self, iterator, n_classes: int, workers: int, seed: int,
                 antialias: bool, pad_to: int = 1) -> None:
        super().__init__(workers=workers, use_multiprocessing=False, max_queue_size=8)
        self.iterator = iterator
        self.n_classes = n_classes
        self.seed = seed
        self.antialias = antialias
        #: Data parallelism splits every batch evenly over the devices: a short last batch
        #: is padded with copies of its last image, weighted 0 (predictions: cut off).
        self.pad_to = pad_to
        self.epoch = 0
        # The images of a batch decode in parallel too: the first batch of an epoch and
        # the last ones do not wait on one thread while the others idle.
        self._pool = (ThreadPoolExecutor(workers, thread_name_prefix="vocgui-decode")
                      if workers > 1 else None)
        generator = iterator.image_data_generator
        self._augments = bool(generator and any((
            generator.rotation_range, generator.width_shift_range,
            generator.height_shift_range, generator.shear_range,
            generator.zoom_range != [1, 1], generator.channel_shift_range,
            generator.horizontal_flip, generator.vertical_flip,
            generator.brightness_range is not None)))
        labels = np.zeros((iterator.samples, len(iterator.class_indices)), dtype=np.float32)
        for row, columns in enumerate(iterator.classes):
            labels[row, columns] = 1.0
        self._labels = labels[:, :n_classes]
        self._order = (0, self._epoch_order(0))

    @property
    def scaled_in_batches(self) -> bool:
        """Whether :meth:`arrays` gives float32 images already scaled (when augmenting:
        the random transforms work on floats) rather than uint8 pixels."""
        return self._augments

    @property
    def weighted(self) -> bool:
        """Whether batches carry a third array, per-image weights (float64)."""
        return self.iterator.sample_weight is not None or self.pad_to > 1

    @property
    def rescale(self) -> float:
        """The factor that turns uint8 pixels into the model's inputs (1/255)."""
        return self.iterator.image_data_generator.rescale

    def _epoch_order(self, epoch: int) -> np.ndarray:
        n = self.iterator.samples
        if not self.iterator.shuffle:
            return np.arange(n)
        return np.random.default_rng((self.seed, epoch)).permutation(n)

    def _rows(self, epoch: int) -> np.ndarray:
        cached_epoch, order = self._order  # one tuple: threads read it whole
        if cached_epoch != epoch:
            order = self._epoch_order(epoch)
            self._order = (epoch, order)
        return order

    def __len__(self) -> int:
        return len(self.iterator)

    def __getitem__(self, index: int):
        x, *rest = self.arrays(self.epoch, index)
        if not self._augments:
            x = np.multiply(x, np.float32(self.rescale), dtype=np.float32)
        return (x, *rest)

    def arrays(self, epoch: int, index: int) -> tuple[np.ndarray, ...]:
        """Batch ``index`` of ``epoch`` as ``(x, y)`` or ``(x, y, weights)``, a pure
        function of (seed, epoch, index); ``x`` is uint8 pixels, which ``__getitem__``
        scales to floats, unless :attr:`scaled_in_batches`."""
        it = self.iterator
        rows = self._rows(epoch)[index * it.batch_size:(index + 1) * it.batch_size]
        real = len(rows)
        if self.pad_to > 1 and real % self.pad_to:
            rows = np.concatenate([rows, np.repeat(rows[-1:], self.pad_to - real % self.pad_to)])
        x = read_batch([it.filepaths[r] for r in rows], it.target_size[0], self.antialias,
                       self._pool)
        if self._augments:
            generator = it.image_data_generator
            x = x.astype(np.float32)
            with _GLOBAL_RNG_LOCK:
                np.random.seed((self.seed * 1_000_003 + epoch * 10_007 + index) % 2**32)
                params = [generator.get_random_transform(x.shape[1:]) for _ in rows]
            for i, p in enumerate(params):
                x[i] = generator.standardize(generator.apply_transform(x[i], p))
        batch = (x, self._labels[rows])
        if self.weighted:
            weights = (np.ones(len(rows)) if it.sample_weight is None
                       else np.asarray(it.sample_weight[rows], dtype=np.float64))
            weights[real:] = 0.0
            batch += (weights,)
        return batch

    def on_epoch_end(self) -> None:
        self.epoch += 1


def image_data_generator(augment: Augment | None) -> ImageDataGenerator:
    """The Keras ImageDataGenerator: rescale to [0, 1] and the chosen augmentation."""
    augment = augment or Augment.off()
    return ImageDataGenerator(
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
    preprocessing: Preprocessing | None = None, pad_to: int = 1,
) -> MultiHotBatches:
    """Batches through ``ImageDataGenerator.flow_from_dataframe`` (absolute paths).

    ``labels`` must already be restricted to ``classes`` (see
    :func:`vocgui.training.validate.known_labels`); empty ones are negatives.
    ``preprocessing`` is the run's (decided over all of its images); without one it is
    decided over ``paths``. ``pad_to``: see :class:`MultiHotBatches`.
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
    antialias = (preprocessing or decide("flow", paths, target_size)).antialias
    return MultiHotBatches(iterator, len(classes), workers, seed, antialias, pad_to)


def as_keras_input(batches: MultiHotBatches):
    """What ``fit``/``predict`` should read for ``batches``: the PyDataset itself on JAX
    and PyTorch, a tf.data.Dataset over it on TensorFlow
    (:func:`vocgui.training.flow_tf.flow_dataset`: the same batches, without the cost of
    Keras' PyDataset adapter there)."""
    if keras.backend.backend() != "tensorflow":
        return batches
    from vocgui.training.flow_tf import flow_dataset

    return flow_dataset(batches)


def make_batches(pipeline: str, *args, **kwargs):
    """The input ``fit`` reads: ``flow_batches`` for pipeline "flow" (through
    :func:`as_keras_input`), ``tfdata_batches`` for "tfdata" (which needs TensorFlow
    installed, whichever backend Keras runs)."""
    if pipeline == "flow":
        return as_keras_input(flow_batches(*args, **kwargs))
    if kwargs.pop("pad_to", 1) > 1:
        raise ConfigError("training data-parallel over several devices on JAX needs the "
                          "flow pipeline (tf.data cannot split a short last batch evenly)")
    try:
        from vocgui.training.tfdata import tfdata_batches
    except ImportError as exc:
        raise ConfigError(
            f"the tfdata pipeline needs TensorFlow, which is not installed ({exc}); choose "
            f"the flow pipeline, or install TensorFlow: pip install -e \".[cpu]\"") from exc
    return tfdata_batches(*args, **kwargs)
