"""The snapshot CSV and the CSV export feed Keras' flow_from_dataframe directly, with every
multi-label target intact (real JPEGs of the sample, real Keras)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset

from vocgui.core.project import LabelSnapshot, Project
from vocgui.core.project.export import export_csv
from vocgui.core.voc import read_labels_csv


@pytest.fixture()
def project(voc_sample: Path, tmp_path: Path):
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        p.add_label(np.arange(0, 100, 3), "dining table, 'nice' \"one\"")
        yield p


def _targets(frame, x_col: str, classes: list[str]) -> tuple[list[str], np.ndarray]:
    """What Keras' generator feeds the model: file order and one batch of targets."""
    from tensorflow.keras.preprocessing.image import ImageDataGenerator

    iterator = ImageDataGenerator().flow_from_dataframe(
        frame, x_col=x_col, y_col="labels", classes=classes, class_mode="categorical",
        target_size=(16, 16), batch_size=len(frame), shuffle=False, validate_filenames=True)
    _, y = iterator[0]
    return list(iterator.filenames), y


@pytest.mark.slow
def test_flow_from_dataframe_reads_snapshot_and_export(project: Project, tmp_path: Path) -> None:
    snapshot = project.snapshot()
    snapshot.to_csv(tmp_path / "snap.csv")
    back = LabelSnapshot.from_csv(tmp_path / "snap.csv")
    files, y = _targets(back.frame, "path", list(back.classes))
    assert files == project.absolute_paths()
    np.testing.assert_array_equal(y.astype(bool), project.labels)

    export_csv(project, tmp_path / "export.csv")
    files, y = _targets(read_labels_csv(tmp_path / "export.csv"), "filename", project.classes)
    assert files == project.absolute_paths()
    np.testing.assert_array_equal(y.astype(bool), project.labels)
