"""Pooled features of a model for every image: what the embedding map and "find similar"
read (``vocgui.core.embedding_map``).

The features are the output of the model's ``pool`` layer (global average pooling of the
backbone, the input of the classification head), saved as float16 (n_images, d) in the
run's folder as ``features.npy``, row = image id. Runs in the training process
(:func:`extract_features` imports TensorFlow).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from vocgui.core.atomic import save_npy_atomically
from vocgui.training.preprocessing import needs_antialias

#: The layer whose output is an image's feature vector (see models.build_model).
POOL_LAYER = "pool"


def feature_model(model: keras.Model) -> keras.Model:
    """The part of a vocgui model from its input to the pooled features."""
    return keras.Model(model.inputs, model.get_layer(POOL_LAYER).output)


def extract_features(model: keras.Model, paths: Sequence[str], batch_size: int = 64
                     ) -> np.ndarray:
    """Pooled features of ``model`` for each image in ``paths``, float16 (len(paths), d)."""
    # Imported here: save_features serves runs on every backend, with or without TensorFlow.
    import tensorflow as tf

    from vocgui.training.tfdata import _decode

    size = int(model.inputs[0].shape[1])
    antialias = needs_antialias(paths, size)
    dataset = (tf.data.Dataset.from_tensor_slices(list(paths))
               .map(lambda p: _decode(p, size, antialias), num_parallel_calls=tf.data.AUTOTUNE)
               .batch(batch_size).prefetch(2))
    pooled = feature_model(model)
    parts = [pooled(batch, training=False).numpy() for batch in dataset]
    return np.concatenate(parts).astype(np.float16) if parts else np.zeros((0, 0), np.float16)


def save_features(path: str | os.PathLike, features: np.ndarray) -> None:
    """Write ``features`` as float16 ``.npy``, atomically."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_npy_atomically(path, np.asarray(features, dtype=np.float16))
