"""The image table's static columns kept a second time as one blob, read in one go.

The loader's columns (file name, paths, size, split...) change rarely: never, except the
split (a split edit rewrites the blob with the table); review status and note change
often, and those are always read from the images table.
Reading the static columns back with ``group_concat`` costs about 1 ms per column on 17k
images, most of a reopen; one npz blob of numpy arrays decodes in a fraction of that.
The images table stays the source for SQL queries; the blob is written once, with it.
``np.load(allow_pickle=False)``: a project file from elsewhere can never run code.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import numpy as np
import pandas as pd

INT_COLUMNS = ("root", "n_objects", "width", "height", "depth", "segmented")
TEXT_COLUMNS = ("filename", "image_path", "annotation_path", "split")
#: Joins text values: no path, file name or split name contains a NUL.
_SEPARATOR = "\0"


def encode_static_columns(images: pd.DataFrame) -> bytes:
    """The static columns of the loader's image table as one npz blob."""
    arrays = {c: np.asarray(images[c]).astype(np.int64) for c in INT_COLUMNS}
    for column in TEXT_COLUMNS:
        text = _SEPARATOR.join(images[column].astype(str).tolist())
        arrays[column] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, n=np.int64(len(images)), **arrays)
    return buffer.getvalue()


def checksum(blob: bytes) -> str:
    """The blob's SHA-256, kept in the ``meta`` table to find a damaged blob on open."""
    return hashlib.sha256(blob).hexdigest()


def decode_static_columns(blob: bytes, expected_checksum: str | None = None
                          ) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """(int columns, text columns) back from :func:`encode_static_columns`.

    Raises ValueError when the blob does not hold what it should, or does not match
    ``expected_checksum`` (files written before the checksum have none to compare).
    """
    if expected_checksum is not None and checksum(blob) != expected_checksum:
        raise ValueError("the stored image columns do not match their checksum")
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            n = int(data["n"])
            ints = {c: data[c] for c in INT_COLUMNS}
            texts = {c: (data[c].tobytes().decode("utf-8").split(_SEPARATOR) if n else [])
                     for c in TEXT_COLUMNS}
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, UnicodeDecodeError) as exc:
        raise ValueError(f"the stored image columns cannot be decoded ({exc})") from exc
    if any(len(v) != n for v in (*ints.values(), *texts.values())):
        raise ValueError("the stored image columns have unequal lengths")
    return ints, texts
