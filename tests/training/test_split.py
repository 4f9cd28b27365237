"""Train/val split: multi-label stratified (negatives kept and spread) or the official one."""

from __future__ import annotations

import numpy as np
import pytest

from vocgui.training.split import make_split, stratified_split


def test_stratified_split_keeps_every_image_and_the_class_balance():
    rng = np.random.default_rng(0)
    y = rng.random((300, 6)) < np.array([0.5, 0.3, 0.2, 0.1, 0.05, 0.02])
    y[:30] = False  # 30 negatives
    split = stratified_split(y, 0.2, seed=1)
    assert sorted(np.concatenate([split.train, split.val]).tolist()) == list(range(300))
    assert abs(len(split.val) - 60) <= 9  # iterative stratification sizes are approximate
    # each class keeps (about) its share on both sides
    assert np.allclose(y[split.val].mean(0), y.mean(0), atol=0.04)
    negative = ~y.any(axis=1)
    assert negative[split.val].mean() == pytest.approx(negative.mean(), abs=0.03)


def test_stratified_split_is_reproducible():
    y = np.random.default_rng(2).random((50, 3)) < 0.3
    a, b = stratified_split(y, 0.25, seed=7), stratified_split(y, 0.25, seed=7)
    assert np.array_equal(a.val, b.val)


def test_official_split_is_used_when_present_else_stratified():
    y = np.zeros((6, 2), dtype=bool)
    y[:, 0] = True
    official = make_split(y, ["train", "val", "train", "", "val", "train"], "official", 0.5, 0)
    assert official.method == "official"
    assert official.train.tolist() == [0, 2, 5] and official.val.tolist() == [1, 4]
    fallback = make_split(y, [""] * 6, "official", 0.5, 0)
    assert fallback.method == "stratified" and len(fallback.val) == 3
    forced = make_split(y, ["train", "val"] * 3, "stratified", 0.5, 0)
    assert forced.method == "stratified"


@pytest.mark.parametrize("method", ["official", "stratified"])
def test_test_images_are_on_neither_side(method):
    # trainval.txt + test.txt: the loader marks 'train' and 'test', no 'val' -> stratified
    rng = np.random.default_rng(3)
    y = rng.random((40, 3)) < 0.4
    column = ["train"] * 25 + ["test"] * 15
    split = make_split(y, column, method, 0.3, seed=0)
    used = np.concatenate([split.train, split.val])
    assert split.method == "stratified" and split.n_test == 15
    assert sorted(used.tolist()) == list(range(25))
    official = make_split(y, ["train", "val", "test", "val"] * 10, "official", 0.3, seed=0)
    assert official.n_test == 10 and 2 not in official.train and 2 not in official.val


def test_only_test_images_is_a_clear_error():
    with pytest.raises(ValueError, match="held back"):
        make_split(np.zeros((5, 2), dtype=bool), ["test"] * 4 + ["train"], "stratified",
                   0.3, seed=0)


def test_images_labeled_here_train_under_the_official_split_and_unlisted_ones_are_counted():
    y = np.ones((7, 1), dtype=bool)
    split = make_split(y, ["train", "val", "new", "", "val", "new", "train"], "official",
                       0.5, 0)
    assert split.train.tolist() == [0, 2, 5, 6] and split.val.tolist() == [1, 4]
    assert (split.n_new, split.n_unlisted) == (2, 1)
