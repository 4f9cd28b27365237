"""Opening 17,125 images without XMLs: the loader reads image headers only.

    python benchmarks/bench_unlabeled_load.py

Builds a plain folder of 17,125 JPEGs (hard links to the 100 real VOC2012 sample images,
in 18 sub-folders, so the recursive search is exercised and no pixels are copied) and,
with a warm file cache, times ``load_voc`` on it: every image becomes an unlabeled row
whose size comes from its header. Beside it, the XML load of the same size (the 17,125
real VOC2012 annotations). Median of several runs, interleaved. It also checks that no
pixel is decoded (``PIL.Image.Image.load`` is never called while loading). The last line
is the ratio XML load time / unlabeled load time (above 1: headers are cheaper).

``VOCGUI_SHARED`` overrides the shared folder (default: ``../shared`` next to the repo).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from shared_data import SHARED, extract_voc2012  # noqa: E402

from vocgui.core.voc import load_voc  # noqa: E402  (needs the repo on sys.path)

N_IMAGES = 17_125
RUNS = 5


def plain_folder(folder: Path, sources: list[Path]) -> Path:
    """``N_IMAGES`` hard links to ``sources`` in sub-folders of ``folder``."""
    for i in range(N_IMAGES):
        sub = folder / f"part{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        os.link(sources[i % len(sources)], sub / f"img_{i:06d}.jpg")
    return folder


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    sources = sorted((SHARED / "data" / "voc2012-sample" / "JPEGImages").glob("*.jpg"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = plain_folder(Path(tmp) / "photos", sources)
        voc = extract_voc2012(Path(tmp) / "xml")
        decoded = []
        original_load = Image.Image.load

        def counting_load(image, *args, **kwargs):
            decoded.append(1)
            return original_load(image, *args, **kwargs)

        Image.Image.load = counting_load
        try:
            dataset = load_voc(folder, check_images=False)
        finally:
            Image.Image.load = original_load
        assert len(dataset.images) == N_IMAGES and not dataset.images["labeled"].any()
        assert (dataset.images["width"] > 0).all()
        print(f"{N_IMAGES:,} unlabeled rows, sizes from headers; pixels decoded: "
              f"{len(decoded)} images")
        headers, xmls = [], []
        for _ in range(RUNS):
            headers.append(timed(lambda: load_voc(folder, check_images=False)))
            xmls.append(timed(lambda: load_voc(voc, check_images=False)))
        header_s, xml_s = statistics.median(headers), statistics.median(xmls)
        print(f"open {N_IMAGES:,} images without XMLs (headers only): {header_s:.2f} s")
        print(f"load {N_IMAGES:,} VOC2012 XMLs (same size):          {xml_s:.2f} s")
        print(f"ratio XML load / unlabeled load: {xml_s / header_s:.2f}x")


if __name__ == "__main__":
    main()
