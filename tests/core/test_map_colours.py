"""Map colourings: categories and values per image, unknown where the run did not score."""

from __future__ import annotations

import numpy as np

from vocgui.core.map_colours import COLOURINGS, colouring


def test_colourings_of_a_small_label_matrix() -> None:
    labels = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=bool)
    classes, splits = ["cat", "dog"], ["train", "val", "", "train"]
    assert colouring("class", labels, classes, splits).codes.tolist() == [0, 1, 0, -1]
    assert colouring("n_labels", labels, classes, splits).values.tolist() == [1, 1, 2, 0]
    split = colouring("split", labels, classes, splits)
    assert [split.names[c] for c in split.codes] == ["train", "val", "no split", "train"]
    labeled = colouring("labeled", labels, classes, splits,
                        labeled=np.array([1, 1, 1, 0], dtype=bool))
    assert labeled.codes.tolist() == [1, 1, 1, 0]
    scores = np.array([[0.9, 0.2], [0.5, 0.5]], dtype=np.float32)  # rows 0 and 2 scored
    errors = colouring("label_error", labels, classes, splits, scores, np.array([0, 2]))
    assert np.allclose(errors.values[[0, 2]], [0.2, 0.5])
    assert np.isnan(errors.values[[1, 3]]).all()
    doubt = colouring("uncertainty", labels, classes, splits, scores, np.array([0, 2]))
    assert np.allclose(doubt.values[[0, 2]], [0.4, 1.0])
    # from each class's threshold, as the suggestions measure it: 0.2 is just above dog's
    cut = colouring("uncertainty", labels, classes, splits, scores, np.array([0, 2]),
                    thresholds=np.array([0.5, 0.19], dtype=np.float32))
    assert np.allclose(cut.values[[0, 2]], [0.8 / 0.81, 1.0])
    assert {key for key, _ in COLOURINGS} == {"class", "n_labels", "split", "labeled",
                                             "label_error", "uncertainty"}
