"""Statistics from the label matrix: exact values on small hand-made tables, and a
cross-check against an independent Counter over the real VOC2012 sample's XMLs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vocgui.core.stats import (
    NEUTRAL_WEIGHT,
    batch_memory_bytes,
    class_weights,
    compute_stats,
    cooccurrence,
    dataset_summary,
    images_per_class,
    labels_per_image,
    multi_hot,
    objects_per_class,
    positive_weights,
    positives_negatives,
    sample_weights,
    size_stats,
)

CLASSES = ["cat", "dog", "person", "sofa"]
LABELS = [("cat",), ("cat", "person"), ("person",), (), ("dog", "person", "cat"), ("person",)]


@pytest.fixture()
def y() -> np.ndarray:
    return multi_hot(LABELS, CLASSES)


def test_multi_hot_marks_each_label_in_class_order(y: np.ndarray) -> None:
    assert y.dtype == bool
    assert y.tolist() == [
        [True, False, False, False],
        [True, False, True, False],
        [False, False, True, False],
        [False, False, False, False],
        [True, True, True, False],
        [False, False, True, False],
    ]


def test_multi_hot_accepts_series_repeats_and_plain_strings() -> None:
    column = pd.Series([("dog", "dog"), "cat", []], dtype=object)
    assert multi_hot(column, CLASSES).tolist() == [[False, True, False, False],
                                                   [True, False, False, False],
                                                   [False, False, False, False]]


def test_multi_hot_names_unknown_labels() -> None:
    with pytest.raises(ValueError, match="horse"):
        multi_hot([("cat",), ("horse",)], CLASSES)


def test_counts_positives_negatives_and_labels_per_image(y: np.ndarray) -> None:
    positives, negatives = positives_negatives(y)
    assert positives.tolist() == [3, 1, 4, 0]
    assert negatives.tolist() == [3, 5, 2, 6]
    # one image with 0 labels, three with 1, one with 2, one with 3
    assert labels_per_image(y).tolist() == [1, 3, 1, 1]


def test_objects_per_class_counts_boxes_and_honours_the_mask() -> None:
    objects = pd.DataFrame({"image": [0, 0, 1, 2, 2, 2], "name": ["cat", "cat", "dog",
                                                                  "person", "cat", "boat"]})
    assert objects_per_class(objects, CLASSES).tolist() == [3, 1, 1, 0]
    mask = np.array([False, True, True])
    assert objects_per_class(objects, CLASSES, mask).tolist() == [1, 1, 1, 0]


def test_cooccurrence_counts_pairs_and_normalises_by_row(y: np.ndarray) -> None:
    c = cooccurrence(y)
    assert np.diag(c).tolist() == [3, 1, 4, 0]
    assert c[0, 2] == c[2, 0] == 2  # cat+person: images 1 and 4
    assert c[1, 0] == 1
    share = cooccurrence(y, normalize=True)
    assert share[0, 2] == pytest.approx(2 / 3)
    assert share[2, 0] == pytest.approx(2 / 4)
    assert share[3].tolist() == [0, 0, 0, 0]  # absent class: a zero row, not NaN


def test_class_weights_are_total_over_count_with_absent_classes_neutral(y: np.ndarray) -> None:
    # 8 labels in total: cat 3, dog 1, person 4, sofa 0
    assert class_weights(y, CLASSES) == {"cat": 8 / 3, "dog": 8.0, "person": 2.0,
                                         "sofa": NEUTRAL_WEIGHT}


def test_positive_weights_are_negatives_over_positives(y: np.ndarray) -> None:
    assert positive_weights(y).tolist() == [1.0, 5.0, 0.5, NEUTRAL_WEIGHT]


def test_sample_weights_max_and_mean_scaled_to_mean_one(y: np.ndarray) -> None:
    w = np.array([1.0, 4.0, 2.0, 9.0])
    raw_max = np.array([1.0, 2.0, 2.0, 4.0, 2.0])  # labelled images 0, 1, 2, 4, 5
    got = sample_weights(y, w, reduce="max")
    assert got[[0, 1, 2, 4, 5]] == pytest.approx(raw_max / raw_max.mean())
    assert got[3] == 1.0  # the image without labels
    assert got.mean() == pytest.approx(1.0)
    raw_mean = np.array([1.0, 1.5, 2.0, 7 / 3, 2.0])
    assert sample_weights(y, w, reduce="mean")[[0, 1, 2, 4, 5]] == pytest.approx(
        raw_mean / raw_mean.mean())
    # rarer classes weigh more with the default total/count weights
    default = sample_weights(y)
    assert default[4] > default[0] > default[2]


def test_sample_weights_reject_bad_arguments(y: np.ndarray) -> None:
    with pytest.raises(ValueError, match="4 class weights"):
        sample_weights(y, np.ones(3))
    with pytest.raises(ValueError, match="reduce"):
        sample_weights(y, reduce="median")  # type: ignore[arg-type]
    assert sample_weights(np.zeros((3, 2), dtype=bool)).tolist() == [1.0, 1.0, 1.0]


def test_size_stats_skip_unknown_sizes() -> None:
    sizes = size_stats([500, 0, 300, 400], [250, 100, 300, 0])
    assert (sizes.known, sizes.unknown) == (2, 2)
    assert sizes.aspect.tolist() == [2.0, 1.0]
    assert sizes.megapixels.tolist() == pytest.approx([0.125, 0.09])
    summary = sizes.summary()
    assert summary["width"]["min"] == 300 and summary["width"]["max"] == 500
    assert summary["height"]["median"] == 275
    assert size_stats([], []).summary()["aspect"]["mean"] is None


def test_batch_memory_bytes() -> None:
    assert batch_memory_bytes(128, 32) == 128 * 128 * 3 * 32 * 4
    assert batch_memory_bytes((224, 160), 8, channels=1, dtype=np.uint8) == 224 * 160 * 8
    with pytest.raises(ValueError, match="positive"):
        batch_memory_bytes(0, 32)


def test_compute_stats_restricted_to_a_mask(y: np.ndarray) -> None:
    images = pd.DataFrame({"width": [10, 20, 30, 40, 50, 0], "height": [10, 10, 10, 10, 10, 0]})
    mask = np.array([True, True, False, False, True, False])
    stats = compute_stats(y, CLASSES, images, mask=mask)
    assert stats.n_images == 3
    assert stats.positives.tolist() == [3, 1, 2, 0]
    assert stats.negatives.tolist() == [0, 2, 1, 3]
    assert stats.sizes.width.tolist() == [10, 20, 50]
    assert stats.objects is None
    with pytest.raises(ValueError, match="3 classes"):
        compute_stats(y, CLASSES[:3])
    with pytest.raises(ValueError, match="mask"):
        compute_stats(y, CLASSES, mask=mask[:3])


def _sample_labels(root: Path) -> tuple[list[tuple[str, ...]], pd.DataFrame, pd.DataFrame]:
    """Independent reference: labels, sizes and objects straight from the XMLs."""
    labels, sizes, objects = [], [], []
    for i, xml in enumerate(sorted((root / "Annotations").glob("*.xml"))):
        tree = ET.parse(xml).getroot()
        names = [o.findtext("name") for o in tree.iter("object")]
        labels.append(tuple(sorted(set(names))))
        sizes.append((int(tree.findtext("size/width")), int(tree.findtext("size/height"))))
        objects += [(i, n) for n in names]
    return (labels, pd.DataFrame(sizes, columns=["width", "height"]),
            pd.DataFrame(objects, columns=["image", "name"]))


def test_summary_of_the_real_sample_matches_a_plain_counter(voc_sample: Path) -> None:
    labels, images, objects = _sample_labels(voc_sample)
    classes = sorted({c for lbs in labels for c in lbs})
    summary = dataset_summary(multi_hot(labels, classes), classes, images, objects)
    json.dumps(summary)  # JSON-able as the CLI prints it
    image_counts = Counter(c for lbs in labels for c in lbs)
    object_counts = Counter(objects["name"])
    assert summary["images"] == len(labels) == 100
    for name in classes:
        entry = summary["classes"][name]
        assert entry["images"] == entry["positives"] == image_counts[name]
        assert entry["negatives"] == 100 - image_counts[name]
        assert entry["objects"] == object_counts[name]
        total = sum(image_counts.values())
        assert entry["class_weight"] == pytest.approx(total / image_counts[name])
    per_image = Counter(len(lbs) for lbs in labels)
    assert {int(k): v for k, v in summary["labels_per_image"].items() if v} == per_image
    assert summary["sizes"]["width"]["max"] == images["width"].max()


_NAMES = ["a", "b c", "d,e", "é", "f"]  # spaces, commas and non-ASCII are just names


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_NAMES), max_size=6), max_size=40))
def test_matrix_counts_and_weights_agree_with_the_blogs_counter(rows: list[list[str]]) -> None:
    y = multi_hot(rows, _NAMES)
    assert y.sum(axis=1).tolist() == [len(set(r)) for r in rows]
    counts = Counter(c for r in rows for c in set(r))
    assert images_per_class(y).tolist() == [counts[c] for c in _NAMES]
    total = sum(counts.values())
    assert class_weights(y, _NAMES) == pytest.approx(
        {c: total / counts[c] if counts[c] else NEUTRAL_WEIGHT for c in _NAMES})
    weights = sample_weights(y)
    assert np.isfinite(weights).all() and (weights > 0).all()
    if rows:
        assert weights.mean() == pytest.approx(1.0)
    assert np.array_equal(cooccurrence(y), y.T.astype(int) @ y.astype(int))
