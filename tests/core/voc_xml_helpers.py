"""Write small VOC folders for the loader tests: annotation XML text and real JPEGs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image

Box = tuple[int, int, int, int]


def object_xml(name: str, box: Box = (1, 2, 30, 40), difficult: int = 0,
               truncated: int | None = 0, extra: str = "") -> str:
    """One <object> element; ``truncated=None`` leaves the element out."""
    xmin, ymin, xmax, ymax = box
    trunc = "" if truncated is None else f"<truncated>{truncated}</truncated>"
    return (f"<object><name>{name}</name><pose>Unspecified</pose>{trunc}"
            f"<difficult>{difficult}</difficult><bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin>"
            f"<xmax>{xmax}</xmax><ymax>{ymax}</ymax></bndbox>{extra}</object>")


def annotation_xml(filename: str | None = "a.jpg", objects: Iterable[str] = (),
                   size: tuple[int, int, int] | None = (100, 80, 3), root: str = "annotation",
                   prolog: str = "") -> str:
    """A whole annotation; ``filename``/``size`` None leave those elements out."""
    name = "" if filename is None else f"<filename>{filename}</filename>"
    dims = "" if size is None else (f"<size><width>{size[0]}</width><height>{size[1]}</height>"
                                    f"<depth>{size[2]}</depth></size>")
    return (f"{prolog}<{root}><folder>VOC</folder>{name}{dims}<segmented>0</segmented>"
            f"{''.join(objects)}</{root}>")


def write_jpeg(path: Path, size: tuple[int, int] = (100, 80)) -> Path:
    """A real JPEG of ``size`` (width, height)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (120, 60, 30)).save(path, "JPEG")
    return path


def write_voc(root: Path, annotations: dict[str, str | bytes],
              images: Iterable[str] = ()) -> Path:
    """A VOC root with ``Annotations/<name>`` files and JPEGs ``JPEGImages/<image>``."""
    (root / "Annotations").mkdir(parents=True, exist_ok=True)
    (root / "JPEGImages").mkdir(parents=True, exist_ok=True)
    for name, content in annotations.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / "Annotations" / name).write_bytes(data)
    for image in images:
        write_jpeg(root / "JPEGImages" / image)
    return root
