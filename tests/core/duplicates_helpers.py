"""A real VOC folder with planted copies: shared by the duplicates tests (core, CLI, Qt).

Real images from ../shared/data/voc2012-sample are copied, and some get near-copies made
with Pillow (resized, recompressed at low quality, cropped by 4% on every side, turned
grey) plus an exact copy, each with its own annotation XML, and an official split that
puts one copy on the other side of its original.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

SHARED = Path(os.environ.get("VOCGUI_SHARED", Path(__file__).resolve().parents[2].parent
                             / "shared"))
SAMPLE = SHARED / "data" / "voc2012-sample"

#: planted copy name -> (original image id, how it was made)
PLANTED = {
    "copy_resized": (0, "resized"),
    "copy_lowq": (1, "lowq"),
    "copy_cropped": (2, "cropped"),
    "copy_grey": (3, "grey"),
    "copy_exact": (4, "exact"),
    "copy_leak": (5, "lowq"),
}
#: planted copies that go to 'val' while their originals are in 'train'.
LEAKING = ("copy_leak",)


def sample_or_skip() -> Path:
    """The shared sample folder, or skip the test (one line saying why)."""
    if not (SAMPLE / "JPEGImages").is_dir():
        pytest.skip(f"shared VOC sample not found at {SAMPLE} (set VOCGUI_SHARED)")
    return SAMPLE


def _make_copy(source: Path, target: Path, how: str) -> None:
    if how == "exact":
        shutil.copyfile(source, target)
        return
    with Image.open(source) as im:
        im = im.convert("RGB")
        w, h = im.size
        if how == "resized":
            im.resize((w * 2 // 3, h * 2 // 3), Image.Resampling.BILINEAR).save(target,
                                                                                 quality=90)
        elif how == "lowq":
            im.save(target, quality=20)
        elif how == "cropped":
            dx, dy = round(w * 0.04), round(h * 0.04)
            im.crop((dx, dy, w - dx, h - dy)).save(target, quality=90)
        elif how == "grey":
            im.convert("L").save(target, quality=90)


def planted_voc(out: Path, n_originals: int = 40) -> tuple[Path, list[str]]:
    """Write the folder; return (VOC root, image ids in file-name order of the originals)."""
    sample = sample_or_skip()
    root = out / "planted"
    (root / "Annotations").mkdir(parents=True)
    (root / "JPEGImages").mkdir()
    (root / "ImageSets" / "Main").mkdir(parents=True)
    ids = sorted(p.stem for p in (sample / "JPEGImages").glob("*.jpg"))[:n_originals]
    for image_id in ids:
        shutil.copyfile(sample / "JPEGImages" / f"{image_id}.jpg",
                        root / "JPEGImages" / f"{image_id}.jpg")
        shutil.copyfile(sample / "Annotations" / f"{image_id}.xml",
                        root / "Annotations" / f"{image_id}.xml")
    for name, (k, how) in PLANTED.items():
        original = ids[k]
        _make_copy(sample / "JPEGImages" / f"{original}.jpg",
                   root / "JPEGImages" / f"{name}.jpg", how)
        xml = (sample / "Annotations" / f"{original}.xml").read_text()
        xml = re.sub(r"<filename>[^<]*</filename>", f"<filename>{name}.jpg</filename>", xml)
        with Image.open(root / "JPEGImages" / f"{name}.jpg") as im:
            w, h = im.size
        xml = re.sub(r"<width>\d+</width>", f"<width>{w}</width>", xml)
        xml = re.sub(r"<height>\d+</height>", f"<height>{h}</height>", xml)
        (root / "Annotations" / f"{name}.xml").write_text(xml)
    # Originals and planted copies in 'train', except the leaking copies in 'val'.
    train = [*ids, *(n for n in PLANTED if n not in LEAKING)]
    (root / "ImageSets" / "Main" / "train.txt").write_text("\n".join(train) + "\n")
    (root / "ImageSets" / "Main" / "val.txt").write_text("\n".join(LEAKING) + "\n")
    return root, ids


def thumbnail_features(paths: list[str]) -> np.ndarray:
    """Simple real embeddings of image files: each one's 16x16 greyscale thumbnail minus
    its mean (so a cosine similarity is the thumbnails' correlation), float16. Planted
    copies of the sample correlate at 0.96 or more, distinct sample images at 0.8 at most."""
    rows = []
    for path in paths:
        with Image.open(path) as im:
            pixels = np.asarray(im.convert("L").resize((16, 16), Image.Resampling.BOX),
                                dtype=np.float32).ravel()
        rows.append(pixels - pixels.mean())
    return np.asarray(rows, dtype=np.float16)


def record_features_run(project, features: np.ndarray) -> int:
    """Record a completed run in ``project`` whose ``features.npy`` holds ``features``."""
    # The file the scoring pass writes (float16 .npy), without importing Keras here.
    from vocgui.core.atomic import save_npy_atomically
    from vocgui.core.embedding_map import features_path

    run_id = project.create_run({"backbone": "small_cnn", "note": "duplicates test"},
                                project.snapshot())
    project.finish_run(run_id, "completed")
    path = features_path(project.path, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_npy_atomically(path, np.asarray(features, dtype=np.float16))
    return run_id


#: A copy that only image features find: the original cropped by 12% on its left side
#: (pHash 14 to 18 bits from it, beyond the default 10), in 'val' beside its original in
#: 'train'.
FEATURE_ONLY_COPY = ("copy_left_cropped", 12)


def plant_feature_only_leak(root: Path, ids: list[str]) -> str:
    """Add :data:`FEATURE_ONLY_COPY` to the folder :func:`planted_voc` wrote; its name."""
    name, k = FEATURE_ONLY_COPY
    source = root / "JPEGImages" / f"{ids[k]}.jpg"
    with Image.open(source) as im:
        w, h = im.size
        im.convert("RGB").crop((round(w * 0.12), 0, w, h)).save(
            root / "JPEGImages" / f"{name}.jpg", quality=90)
    xml = (root / "Annotations" / f"{ids[k]}.xml").read_text()
    xml = re.sub(r"<filename>[^<]*</filename>", f"<filename>{name}.jpg</filename>", xml)
    xml = re.sub(r"<width>\d+</width>", f"<width>{w - round(w * 0.12)}</width>", xml)
    (root / "Annotations" / f"{name}.xml").write_text(xml)
    with open(root / "ImageSets" / "Main" / "val.txt", "a") as val:
        val.write(f"{name}\n")
    return name


def colour_histograms(paths: list[str]) -> np.ndarray:
    """Other simple real embeddings of image files: each one's colour histogram (8 levels
    per channel, 512 bins) of a 64x48 thumbnail, float16. Cropping a side off an image
    keeps its histogram (centred cosine 0.99 or more), where its pHash moves; distinct
    sample images stay below 0.9."""
    rows = []
    for path in paths:
        with Image.open(path) as im:
            rgb = np.asarray(im.convert("RGB").resize((64, 48)), dtype=np.int32) // 32
        counts = np.bincount(((rgb[..., 0] * 8 + rgb[..., 1]) * 8 + rgb[..., 2]).ravel(),
                             minlength=512)
        rows.append(counts / counts.sum())
    return np.asarray(rows, dtype=np.float16)
