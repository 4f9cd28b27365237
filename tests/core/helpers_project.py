"""Helpers shared by the project tests: real data through the real loader, state snapshots."""

from __future__ import annotations

from pathlib import Path

from vocgui.core.voc import VocDataset, load_voc


def load_dataset(root: Path) -> VocDataset:
    """The real VOC folder ``root`` as a VocDataset, loaded in this process."""
    return load_voc(root, workers=1)


def project_state(project) -> dict:
    """Everything an edit can change, comparable with ==, for exact-restore checks."""
    images = project.images
    return {
        "classes": project.classes,
        "colors": project.class_colors,
        "labels": project.labels.tobytes(),
        "label_column": images["labels"].tolist(),
        "review": images["review"].tolist(),
        "note": images["note"].tolist(),
        "object_names": project.objects["name"].tolist(),
    }


def folder_fingerprint(folder: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file under ``folder``, sorted."""
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*") if p.is_file())
