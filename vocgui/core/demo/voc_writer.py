"""Writes the demo's annotation XMLs and ImageSets/Main split files in VOC's format."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from vocgui.core.demo.layout import DemoObject


def _sub(parent: ET.Element, tag: str, text: str | int | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def annotation_xml(filename: str, width: int, height: int,
                   objects: Iterable[DemoObject]) -> bytes:
    """A VOC annotation; boxes are 1-based inclusive pixel coordinates, as in VOC."""
    root = ET.Element("annotation")
    _sub(root, "folder", "VOCdemo")
    _sub(root, "filename", filename)
    source = _sub(root, "source")
    _sub(source, "database", "The vocgui demo dataset")
    size = _sub(root, "size")
    _sub(size, "width", width)
    _sub(size, "height", height)
    _sub(size, "depth", 3)
    _sub(root, "segmented", 0)
    for obj in objects:
        element = _sub(root, "object")
        _sub(element, "name", obj.name)
        _sub(element, "pose", "Unspecified")
        _sub(element, "truncated", 0)
        _sub(element, "difficult", 0)
        bndbox = _sub(element, "bndbox")
        x0, y0, x1, y1 = obj.box
        for tag, value in (("xmin", x0), ("ymin", y0), ("xmax", x1), ("ymax", y1)):
            _sub(bndbox, tag, value + 1)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def write_image_sets(main_dir: Path, ids: Sequence[str], splits: Sequence[str],
                     labels: Sequence[set[str]], classes: Sequence[str]) -> None:
    """train.txt, val.txt, trainval.txt, and ``<class>_<split>.txt`` with 1 / -1 per id."""
    main_dir.mkdir(parents=True, exist_ok=True)
    members = {
        "train": [i for i, s in enumerate(splits) if s == "train"],
        "val": [i for i, s in enumerate(splits) if s == "val"],
        "trainval": list(range(len(ids))),
    }
    for split, rows in members.items():
        (main_dir / f"{split}.txt").write_text("".join(f"{ids[i]}\n" for i in rows))
        for cls in classes:
            # VOC's own layout: id, then the flag right-aligned in two characters.
            lines = "".join(f"{ids[i]} {1 if cls in labels[i] else -1:2d}\n" for i in rows)
            (main_dir / f"{cls}_{split}.txt").write_text(lines)
