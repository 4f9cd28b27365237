"""Features for the map tests, from the images' own pixels: each real JPEG of the project
decoded small (Pillow's draft mode), 8x6 RGB = 144 values, saved as a run's
``features.npy`` (float16, row = image id) through the same atomic writer as the scoring
pass. The Map reads that file whatever made it; that a run's scoring pass writes it from
the model's pooled features is tested in tests/training/test_scoring.py. No Keras child
(that cost the Map tests 38 s of setup), and images that look alike lie close."""

from __future__ import annotations

import numpy as np
from PIL import Image

from vocgui.core.atomic import save_npy_atomically
from vocgui.core.embedding_map import features_path
from vocgui.core.project import Project


def pixel_features(paths: list[str]) -> np.ndarray:
    """(len(paths), 144) float16: each image at 8x6 pixels, RGB, scaled to [0, 1]."""
    rows = []
    for path in paths:
        with Image.open(path) as image:
            image.draft("RGB", (32, 24))
            rows.append(np.asarray(image.convert("RGB").resize((8, 6)), dtype=np.float32))
    return (np.stack(rows).reshape(len(paths), -1) / 255).astype(np.float16)


def record_run_with_features(project: Project) -> int:
    """Record a completed run in ``project`` and write its features (n_images x 144)."""
    run_id = project.create_run({"backbone": "small_cnn", "note": "map test"},
                                project.snapshot())
    project.finish_run(run_id, "completed")
    out = features_path(project.path, run_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_npy_atomically(out, pixel_features(project.absolute_paths()))
    return run_id
