"""Input pipelines on real JPEGs: labels in the explicit class order, negatives kept,
sample weights carried, and the tf.data path equal to flow_from_dataframe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vocgui.training.config import Augment
from vocgui.training.data import flow_batches
from vocgui.training.tfdata import tfdata_batches

# Deliberately not alphabetical: the column order must follow `classes`, not sorting.
CLASSES = ["zebra", "cat", "dog"]
LABELS = [("cat", "dog"), (), ("zebra",), (), ("dog",), ("cat",), ()]
EXPECTED = np.array([[0, 1, 1], [0, 0, 0], [1, 0, 0], [0, 0, 0], [0, 0, 1], [0, 1, 0],
                     [0, 0, 0]], dtype=np.float32)


@pytest.fixture(scope="module")
def paths(voc_sample: Path) -> list[str]:
    return [str(p) for p in sorted((voc_sample / "JPEGImages").glob("*.jpg"))[: len(LABELS)]]


def _collect(batches) -> tuple[np.ndarray, ...]:
    """One epoch of a PyDataset (indexable) or a tf.data.Dataset, columns concatenated."""
    items = batches if not hasattr(batches, "__getitem__") else (
        batches[i] for i in range(len(batches)))
    parts = [tuple(np.asarray(a) for a in batch) for batch in items]
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def test_flow_labels_follow_class_order_and_keep_negatives(paths):
    batches = flow_batches(paths, LABELS, CLASSES, target_size=48, batch_size=3, shuffle=False)
    assert len(batches) == 3
    x, y = _collect(batches)
    assert x.shape == (7, 48, 48, 3) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() > 0.5  # rescale=1/255
    np.testing.assert_array_equal(y, EXPECTED)


def test_flow_shuffled_epoch_sees_every_negative_and_weight(paths):
    weights = np.arange(1, 8, dtype=np.float64)
    batches = flow_batches(paths, LABELS, CLASSES, target_size=32, batch_size=4, shuffle=True,
                           seed=3, weights=weights)
    _, y, w = _collect(batches)
    assert len(y) == 7
    assert (~y.astype(bool).any(axis=1)).sum() == 3  # the three negatives trained
    # each image's weight travels with its own labels
    for label_row, weight in zip(y, w, strict=True):
        np.testing.assert_array_equal(label_row, EXPECTED[int(weight) - 1])
    assert sorted(w.tolist()) == weights.tolist()


def test_tfdata_pipeline_equals_flow(paths):
    weights = np.linspace(0.5, 2.0, 7)
    flow = _collect(flow_batches(paths, LABELS, CLASSES, target_size=64, batch_size=3,
                                 shuffle=False, weights=weights))
    fast = _collect(tfdata_batches(paths, LABELS, CLASSES, target_size=64, batch_size=3,
                                   shuffle=False, weights=weights))
    np.testing.assert_array_equal(fast[1], flow[1])
    np.testing.assert_allclose(fast[2], flow[2], rtol=1e-6)
    assert fast[0].shape == flow[0].shape
    # same images, both bilinear with antialiasing: only resampling round-off differs
    assert np.abs(fast[0] - flow[0]).mean() < 0.01
    assert np.abs(fast[0] - flow[0]).max() < 0.15


@pytest.mark.parametrize("build", [flow_batches, tfdata_batches])
def test_augmentation_changes_pixels_not_labels(paths, build):
    plain = _collect(build(paths, LABELS, CLASSES, target_size=48, batch_size=7, shuffle=False))
    augmented = _collect(build(paths, LABELS, CLASSES, target_size=48, batch_size=7,
                               shuffle=False, seed=1,
                               augment=Augment(horizontal_flip=True, shift=0.2, zoom=0.2,
                                               rotation=20.0)))
    np.testing.assert_array_equal(augmented[1], plain[1])
    assert augmented[0].shape == plain[0].shape
    assert np.abs(augmented[0] - plain[0]).mean() > 0.01


@pytest.mark.parametrize("augment", [None, Augment(horizontal_flip=True, shift=0.2)])
def test_flow_on_tensorflow_reads_the_pydatasets_exact_batches(paths, augment):
    # fit on TensorFlow reads the flow pipeline through a tf.data graph (flow_tf.py):
    # the same arrays bit for bit, dtypes included, in the same order, epoch after epoch.
    from vocgui.training.flow_tf import flow_dataset

    def build():
        return flow_batches(paths, LABELS, CLASSES, target_size=32, batch_size=3,
                            shuffle=True, seed=5, augment=augment, weights=np.arange(7.0))

    pydataset, dataset = build(), flow_dataset(build())
    for _ in range(2):
        expected = [pydataset[i] for i in range(len(pydataset))]
        pydataset.on_epoch_end()
        got = [tuple(np.asarray(a) for a in batch) for batch in dataset]
        assert len(got) == len(expected) == 3
        for want, have in zip(expected, got, strict=True):
            assert [a.dtype for a in have] == [a.dtype for a in want]
            for a, b in zip(want, have, strict=True):
                np.testing.assert_array_equal(b, a)
    assert expected[0][1].tolist() != _collect(build())[1][:3].tolist()  # epoch 2 reshuffled
