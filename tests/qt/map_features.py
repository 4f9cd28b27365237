"""Features for the map tests: a real tiny Keras model (the training package's small CNN,
weights initialised at random, no download) run over a project's images in a child
process, as the scoring pass does (the GUI test process never imports TensorFlow)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from vocgui.core.embedding_map import features_path
from vocgui.core.project import Project


def record_run_with_features(project: Project) -> int:
    """Record a run in ``project`` and write its features (n_images x d float16)."""
    run_id = project.create_run({"backbone": "small_cnn", "note": "map test"},
                                project.snapshot())
    project.finish_run(run_id, "completed")
    out = features_path(project.path, run_id)
    paths = Path(out.parent / "paths.txt")
    out.parent.mkdir(parents=True, exist_ok=True)
    paths.write_text("\n".join(project.absolute_paths()))
    code = textwrap.dedent(f"""
        import keras
        from vocgui.training.features import extract_features, save_features
        from vocgui.training.models import build_model
        keras.utils.set_random_seed(0)
        model, _ = build_model("small_cnn", {len(project.classes)}, 32, None)
        paths = open({str(paths)!r}).read().split("\\n")
        save_features({str(out)!r}, extract_features(model, paths, batch_size=32))
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return run_id
