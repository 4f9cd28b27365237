"""The official split of each image from ``ImageSets/Main/{train,val,test,trainval}.txt``.

Each file lists image ids (annotation file stems), one per line. The split column takes
the values ``'train'``, ``'val'``, ``'test'`` or ``''``. An id listed only in
``trainval.txt`` (a release without the finer split) counts as ``'train'``; the
per-class files (``dog_train.txt``) are not read: they list the same ids.
"""

from __future__ import annotations

from pathlib import Path

from vocgui.core.voc.dataset import Problem

# Later entries win, so an id in both trainval.txt and val.txt ends up 'val'.
_SPLIT_FILES = (("trainval", "train"), ("train", "train"), ("val", "val"), ("test", "test"))


def read_splits(main_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """Map image id -> split from the split files in ``main_dir`` (an ImageSets/Main).

    A missing folder or file simply contributes nothing; an unreadable one is a problem.
    """
    splits: dict[str, str] = {}
    problems: list[Problem] = []
    for file_stem, split in _SPLIT_FILES:
        path = main_dir / f"{file_stem}.txt"
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        except OSError as error:
            problems.append(Problem(str(path), "unreadable",
                                    f"split file cannot be read: {error.strerror or error}"))
            continue
        for line in text.splitlines():
            fields = line.split()
            if fields:
                splits[fields[0]] = split
    return splits, problems
