"""The flow pipeline's decoder on the files libjpeg-turbo does not take: Pillow's result,
and Pillow's errors, as before; grey JPEGs and PNGs within a grey level of tf.data."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from keras.src.utils import image_utils
from PIL import Image

from vocgui.training.decode import dct_factor, read_batch, read_resized

SIZE = 48


@pytest.fixture(scope="module")
def photo(voc_sample: Path) -> Image.Image:
    path = sorted((voc_sample / "JPEGImages").glob("*.jpg"))[0]
    with Image.open(path) as img:
        return img.convert("RGB").resize((150, 110))


def _tfdata(path: Path) -> np.ndarray:
    image = tf.io.decode_image(tf.io.read_file(str(path)), channels=3, expand_animations=False)
    return tf.image.resize(image, (SIZE, SIZE), method="bilinear").numpy()


@pytest.mark.parametrize("kind", ["png", "grey_jpeg"])
def test_png_and_grey_jpeg_within_one_grey_level_of_tfdata(photo, tmp_path, kind):
    path = tmp_path / {"png": "image.png", "grey_jpeg": "grey.jpg"}[kind]
    (photo if kind == "png" else photo.convert("L")).save(path)
    pixels = read_resized(path, SIZE, antialias=False)
    assert pixels.shape == (SIZE, SIZE, 3) and pixels.dtype == np.uint8
    assert np.abs(pixels - _tfdata(path)).max() <= 1.01


def test_cmyk_jpeg_goes_through_pillow_like_load_img(photo, tmp_path):
    path = tmp_path / "cmyk.jpg"
    photo.convert("CMYK").save(path)
    reference = image_utils.img_to_array(image_utils.load_img(
        path, target_size=(SIZE, SIZE), interpolation="bilinear"))
    np.testing.assert_array_equal(read_resized(path, SIZE, antialias=True), reference)


def test_a_truncated_jpeg_fails_as_pillow_fails(photo, tmp_path):
    path = tmp_path / "cut.jpg"
    photo.save(path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(OSError):
        read_resized(path, SIZE, antialias=False)


def test_dct_factor_leaves_twice_the_target_on_both_sides():
    assert dct_factor(500, 375, 64) == 2    # 250 x 188 >= 128
    assert dct_factor(500, 375, 128) == 1   # 375 < 4 x 128
    assert dct_factor(4000, 3000, 224) == 4  # 1000 x 750 >= 448; 1/8 would leave 375
    assert dct_factor(8000, 6000, 64) == 8


def test_a_batch_decoded_in_threads_equals_one_decoded_in_turn(voc_sample, tmp_path):
    paths = [str(p) for p in sorted((voc_sample / "JPEGImages").glob("*.jpg"))[:6]]
    with ThreadPoolExecutor(2) as pool:
        np.testing.assert_array_equal(read_batch(paths, SIZE, False, pool),
                                      read_batch(paths, SIZE, False))
        broken = tmp_path / "broken.jpg"
        broken.write_bytes(b"\xff\xd8 not a jpeg")
        with pytest.raises(OSError):  # a worker's error reaches the caller, as in turn
            read_batch([*paths, str(broken)], SIZE, False, pool)
