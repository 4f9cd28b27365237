"""The built-in demo dataset: a deterministic, learnable, deliberately imbalanced
multi-label dataset in real PASCAL VOC layout (JPEGs, annotation XMLs, ImageSets/Main).

Eight shape/colour classes on muted textured backgrounds, 1-4 objects per image, a few
images with no object at all. ``circle`` is in about 60% of the images, ``diamond`` and
``hexagon`` in about 5%. The same ``seed`` and ``n_images`` always give byte-identical
files. ``n_unlabeled`` more images drawn the same way are written as JPEGs only (no XML,
in no split): the unlabeled part a user labels with the model's help.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from vocgui.core.demo.backgrounds import background
from vocgui.core.demo.layout import DemoObject, choose_classes, image_size, place_objects
from vocgui.core.demo.shapes import ShapeClass, draw_shape, jittered
from vocgui.core.demo.voc_writer import annotation_xml, write_image_sets

# Frequencies are before the "at least one class" redraw, which raises each a little.
SHAPE_CLASSES: tuple[ShapeClass, ...] = (
    ShapeClass("circle", (220, 30, 30), 0.56),
    ShapeClass("square", (30, 70, 230), 0.27),
    ShapeClass("triangle", (20, 170, 50), 0.22),
    ShapeClass("star", (245, 215, 20), 0.17),
    ShapeClass("cross", (140, 40, 190), 0.14),
    ShapeClass("ring", (255, 130, 0), 0.11),
    ShapeClass("diamond", (0, 205, 215), 0.045, aspect=0.7),
    ShapeClass("hexagon", (240, 60, 170), 0.045, aspect=1.15),
)
#: The demo's class names, in class order.
DEMO_CLASSES: tuple[str, ...] = tuple(c.name for c in SHAPE_CLASSES)
#: Share of images with no object (valid negatives) and of images in the val split.
NEGATIVE_SHARE = 0.03
VAL_SHARE = 0.2
#: Images the built-in demo has without an annotation (``vocgui demo``, the app's demo).
DEMO_UNLABELED = 200
JPEG_QUALITY = 90
_OWN_FOLDERS = ("Annotations", "JPEGImages", "ImageSets")


def _plan(n_images: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Which images have no object, and a per-image draw order used for the split."""
    rng = np.random.default_rng([seed, n_images, 0])
    n_negative = round(n_images * NEGATIVE_SHARE) if n_images >= 10 else 0
    negative = np.zeros(n_images, dtype=bool)
    negative[rng.choice(n_images, n_negative, replace=False)] = True
    return negative, rng.permutation(n_images)


def _splits(labels: list[set[str]], order: np.ndarray) -> list[str]:
    """About VAL_SHARE of the images to val, stratified: images are grouped by their
    rarest class and each group of two or more gives at least one val image, so every
    class, the rare ones too, is in both splits."""
    rank = {name: k for k, name in enumerate(sorted(
        DEMO_CLASSES, key=lambda c: sum(c in lbs for lbs in labels)))}
    rarest = np.array([min((rank[c] for c in lbs), default=len(rank)) for lbs in labels])
    splits = ["train"] * len(labels)
    for group in range(len(rank) + 1):
        members = [i for i in order if rarest[i] == group]
        n_val = max(1, round(len(members) * VAL_SHARE)) if len(members) >= 2 else 0
        for i in members[:n_val]:
            splits[i] = "val"
    return splits


def _render(seed: int, index: int, negative: bool) -> tuple[Image.Image, list[DemoObject]]:
    rng = np.random.default_rng([seed, index, 1])
    width, height = image_size(rng)
    image = Image.fromarray(background(rng, height, width))
    if negative:
        return image, []
    names = choose_classes(rng, SHAPE_CLASSES)
    aspects = {c.name: c.aspect for c in SHAPE_CLASSES}
    objects = place_objects(rng, names, aspects, width, height)
    canvas = ImageDraw.Draw(image)
    colors = {c.name: c.color for c in SHAPE_CLASSES}
    for obj in objects:
        draw_shape(canvas, obj.name, obj.box, jittered(colors[obj.name], rng))
    return image, objects


def _prepare(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{out_dir} is not empty; choose a new or empty folder")
        for name in _OWN_FOLDERS:
            shutil.rmtree(out_dir / name, ignore_errors=True)
    for name in ("Annotations", "JPEGImages"):
        (out_dir / name).mkdir(parents=True, exist_ok=True)


def write_demo(out_dir: str | Path, n_images: int = 600, seed: int = 0, *,
               overwrite: bool = False, n_unlabeled: int = 0,
               progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the demo dataset into ``out_dir`` (created; it must be empty unless
    ``overwrite``, which replaces only the demo's own folders) and return that VOC root.

    ``n_unlabeled`` images follow the annotated ones (``demo_<n_images + 1>.jpg``, ...)
    without an XML. ``progress(done, total)`` is called after each image.
    """
    if n_images < 1:
        raise ValueError(f"n_images must be at least 1, got {n_images}")
    root = Path(out_dir).resolve()
    _prepare(root, overwrite)
    negative, order = _plan(n_images, seed)
    ids = [f"demo_{i + 1:06d}" for i in range(n_images)]
    labels: list[set[str]] = []
    for i, image_id in enumerate(ids):
        image, objects = _render(seed, i, bool(negative[i]))
        image.save(root / "JPEGImages" / f"{image_id}.jpg", quality=JPEG_QUALITY)
        xml = annotation_xml(f"{image_id}.jpg", image.width, image.height, objects)
        (root / "Annotations" / f"{image_id}.xml").write_bytes(xml)
        labels.append({o.name for o in objects})
        if progress is not None:
            progress(i + 1, n_images + n_unlabeled)
    for k in range(n_unlabeled):
        index = n_images + k
        image, _ = _render(seed, index, False)
        image.save(root / "JPEGImages" / f"demo_{index + 1:06d}.jpg", quality=JPEG_QUALITY)
        if progress is not None:
            progress(index + 1, n_images + n_unlabeled)
    write_image_sets(root / "ImageSets" / "Main", ids, _splits(labels, order), labels,
                     DEMO_CLASSES)
    return root


def unlabeled_truth(n_images: int, n_unlabeled: int, seed: int = 0) -> list[set[str]]:
    """The classes in each unlabeled image :func:`write_demo` writes with these
    arguments (it writes no XML for them): the truth to measure suggestions against."""
    return [{o.name for o in _render(seed, n_images + k, False)[1]}
            for k in range(n_unlabeled)]


__all__ = ["DEMO_CLASSES", "DEMO_UNLABELED", "SHAPE_CLASSES", "unlabeled_truth", "write_demo"]
