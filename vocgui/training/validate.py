"""Check a snapshot before training: every image decodes, every label is a known class.

A corrupt JPEG passes flow_from_dataframe's own check (which looks only at the file
name's extension and existence) and then breaks ``fit`` halfway through an epoch, so each
image is opened, verified and really decoded (a small JPEG draft, which is cheap) first,
and its format checked against what the chosen pipeline decodes; the bad ones are
excluded and reported by name. flow_from_dataframe also drops, without a
word, rows whose labels are all unknown or empty; here unknown labels are counted and
reported, and images left with no known label are kept as negatives. Imports no
TensorFlow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from vocgui.core.voc.file_safety import NotRegularFileError, open_regular
from vocgui.core.voc.image_header import oversized_message

# A decode at this size (JPEG DCT scaling) still reads every byte of the file.
_DRAFT_SIZE = (64, 64)
#: What each pipeline decodes (Pillow's format names). tf.io.decode_image reads these
#: five (MPO is a camera's multi-picture JPEG); a TIFF used to stop a tfdata run
#: mid-epoch with "Unknown image file format" and no file name. A pipeline not listed
#: (flow_from_dataframe) decodes with Pillow, so whatever Pillow opens.
PIPELINE_FORMATS: dict[str, frozenset[str]] = {
    "tfdata": frozenset({"JPEG", "MPO", "PNG", "GIF", "BMP", "WEBP"}),
}


def image_problem(path: str, pipeline: str = "flow") -> str | None:
    """Why ``path`` cannot be used as a training image by ``pipeline``, or None when it
    decodes. Only regular files are opened (a FIFO would block the check forever)."""
    formats = PIPELINE_FORMATS.get(pipeline)
    try:
        with open_regular(path) as file, Image.open(file) as img:
            image_format = img.format
            img.verify()  # structure and checksums; leaves the object unusable
        if formats is not None and image_format not in formats:
            return (f"is a {image_format} file, which the {pipeline} pipeline cannot decode; "
                    "convert it to JPEG or PNG, or train with the flow pipeline")
        with open_regular(path) as file, Image.open(file) as img:
            img.draft("RGB", _DRAFT_SIZE)
            img.convert("RGB").load()
    except FileNotFoundError:
        return "file not found"
    except NotRegularFileError as exc:
        return str(exc)
    except Image.UnidentifiedImageError:
        return "not an image file Pillow can read"
    except Image.DecompressionBombError as exc:
        return oversized_message(exc)
    except (OSError, SyntaxError, ValueError) as exc:
        return f"unreadable image: {exc}"
    return None


@dataclass
class Checked:
    """Result of :func:`check_snapshot`."""

    #: Positions (into the snapshot frame) of the usable images.
    keep: np.ndarray
    #: (position, path, reason) of each excluded image.
    excluded: list[tuple[int, str, str]] = field(default_factory=list)
    #: Known labels of every row, unknown ones removed (tuple of str per row).
    labels: list[tuple[str, ...]] = field(default_factory=list)
    #: Rows that had labels, none of them a known class (kept as negatives).
    n_all_unknown: int = 0
    #: Unknown label name -> number of rows carrying it.
    unknown_labels: dict[str, int] = field(default_factory=dict)


def known_labels(
    labels: Iterable[Sequence[str]], classes: Sequence[str]
) -> tuple[list[tuple[str, ...]], int, dict[str, int]]:
    """Labels restricted to ``classes``, the rows left with none, and the unknown names."""
    allowed = set(classes)
    kept: list[tuple[str, ...]] = []
    unknown: Counter[str] = Counter()
    n_all_unknown = 0
    for row in labels:
        row = tuple(row)
        known = tuple(lbl for lbl in row if lbl in allowed)
        unknown.update(set(row) - allowed)
        if row and not known:
            n_all_unknown += 1
        kept.append(known)
    return kept, n_all_unknown, dict(unknown)


def check_snapshot(
    paths: Sequence[str], labels: Iterable[Sequence[str]], classes: Sequence[str],
    workers: int = 2, pipeline: str = "flow",
) -> Checked:
    """Decode every image (in ``workers`` threads) as ``pipeline`` needs, and restrict
    labels to ``classes``."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        problems = list(pool.map(image_problem, paths, [pipeline] * len(paths)))
    excluded = [(i, p, why) for i, (p, why) in enumerate(zip(paths, problems, strict=True))
                if why is not None]
    keep = np.array([i for i, why in enumerate(problems) if why is None], dtype=int)
    kept_labels, n_all_unknown, unknown = known_labels(labels, classes)
    return Checked(keep, excluded, kept_labels, n_all_unknown, unknown)
