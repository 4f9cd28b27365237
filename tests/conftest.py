"""Shared fixtures: the real VOC files in ../shared/data and a generated demo dataset.

The shared data is read in place; the 17,125-annotation tarball is extracted once per
test session into a temporary folder. It lives outside the repository (``VOCGUI_SHARED``
names its folder, default ``../shared`` beside the clone): where it is absent, the tests
that need it are skipped with a one-line reason, and every other test (the demo-based
ones included) runs from any clone.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest

# GUI tests run headless; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep TensorFlow quiet and on the CPU in tests.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# A data folder (settings, the demo's project, team run files) of the session's own, not
# the user's: tests must not read or change a real one, and parallel workers (each its
# own session) must not share one.
if "VOCGUI_DATA_DIR" not in os.environ:
    os.environ["VOCGUI_DATA_DIR"] = tempfile.mkdtemp(prefix="vocgui-test-data-")
    atexit.register(shutil.rmtree, os.environ["VOCGUI_DATA_DIR"], ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOCGUI_SHARED", REPO.parent / "shared"))
SAMPLE = SHARED / "data" / "voc2012-sample"
TARBALL = SHARED / "data" / "voc2012-annotations.tar.gz"


#: Test files that share the session's trained review project (tests/qt/review_run.py,
#: 50 s to train): in one worker, so it is trained once.
_REVIEW_RUN_FILES = {"test_review_cli.py", "test_review_figures.py", "test_review_panel.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """For pytest-xdist's ``--dist loadgroup`` (pyproject's addopts): a file's tests run in
    one worker, so its module fixtures are built once; the files above share a group."""
    for item in items:
        name = item.path.name
        group = "review_run" if name in _REVIEW_RUN_FILES else str(item.path)
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per core, at most 4 (each trains Keras models using every
    core, and holds TensorFlow's ~1 GB)."""
    return max(1, min(4, os.cpu_count() or 1))


def _missing(path: Path) -> str:
    return f"needs the shared VOC data, not found at {path} (set VOCGUI_SHARED)"


@pytest.fixture(scope="session")
def voc_sample() -> Path:
    """The 100 real VOC2012 images with their original XMLs (Annotations/, JPEGImages/)."""
    if not SAMPLE.is_dir():
        pytest.skip(_missing(SAMPLE))
    return SAMPLE


@pytest.fixture(scope="session")
def voc2012_annotations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All 17,125 real VOC2012 annotation XMLs and ImageSets/, no images; the VOC root."""
    if not TARBALL.is_file():
        pytest.skip(_missing(TARBALL))
    out = tmp_path_factory.mktemp("voc2012")
    with tarfile.open(TARBALL) as tar:
        tar.extractall(out, filter="data")
    return out / "VOC2012"


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small deterministic demo dataset (VOC layout, real JPEGs), shared by the session."""
    from vocgui.core.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo"), n_images=120, seed=0)


@pytest.fixture
def every_setting_changed():
    """A TrainConfig that differs from the default in every field (checked), so a round
    trip through the form or the CLI that drops any field fails."""
    import dataclasses

    from vocgui.training.config import Augment, TrainConfig

    config = TrainConfig(
        backbone="mobilenetv3", epochs=3, batch_size=8, target_size=128,
        learning_rate=3e-4, lr_schedule="constant", fine_tune_lr=2e-6, fine_tune_blocks=2,
        fine_tune_epochs=1, threshold=0.4, pipeline="flow", weights="/models/base.weights.h5",
        imbalance="pos_weight", val_fraction=0.25, split="stratified", seed=7,
        mixed_precision=True, backend="jax", workers=3, folds=4,
        augment=Augment(horizontal_flip=False, vertical_flip=True, shift=0.2, zoom=0.15,
                        rotation=30.0))
    default = TrainConfig()
    for owner, base in ((config, default), (config.augment, default.augment)):
        same = [f.name for f in dataclasses.fields(owner)
                if getattr(owner, f.name) == getattr(base, f.name)]
        assert not same, f"give these settings a non-default value here: {same}"
    return config


@pytest.fixture(scope="session")
def demo_unlabeled_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo dataset with an unlabeled part: 60 annotated images, 20 without XMLs."""
    from vocgui.core.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo_unlabeled"), n_images=60, seed=1,
                      n_unlabeled=20)


def _record_scoring_run(project, seed: int = 0, classes=None, rows=None) -> int:
    """Record a completed run whose scoring pass (split "all") scored ``rows`` (default:
    every image) for ``classes`` (default: the project's), through the same core calls a
    training run's events make: labeled images score near their labels, in-sample when
    their split is 'train'; the others alternate between confident scores and spread-out ones."""
    import numpy as np

    rng = np.random.default_rng(seed)
    classes = list(project.classes if classes is None else classes)
    rows = np.arange(len(project.images)) if rows is None else np.asarray(rows)
    run_id = project.create_run({"backbone": "small_cnn", "threshold": 0.5},
                                project.snapshot())
    labeled = project.images["labeled"].to_numpy(dtype=bool)[rows]
    column = [project.classes.index(c) if c in project.classes else -1 for c in classes]
    truth = np.zeros((len(rows), len(classes)), dtype=bool)
    for k, j in enumerate(column):
        if j >= 0:
            truth[:, k] = project.labels[rows, j]
    near = np.where(truth, 0.95, 0.03) + rng.uniform(-0.02, 0.02, truth.shape)
    spread = rng.uniform(0.0, 1.0, truth.shape)
    sure = np.arange(len(rows)) % 2 == 0  # every other image: sure of every class
    spread[sure] = np.where(spread[sure] > 0.7, 0.97, 0.02)
    scores = np.where(labeled[:, None], near, spread).astype(np.float32)
    in_sample = labeled & (project.images["split"].to_numpy()[rows] == "train")
    project.save_predictions(run_id, rows, classes, scores, split="all",
                             in_sample=in_sample)
    project.finish_run(run_id, "completed", message="scored for the tests")
    return run_id


@pytest.fixture
def record_scoring_run():
    """``record(project, seed=0, classes=None, rows=None) -> run id``: see
    :func:`_record_scoring_run`."""
    return _record_scoring_run


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):
    """A PostgreSQL server for team-mode tests: a throwaway cluster of our own (stopped at
    the end), or the one ``VOCGUI_TEST_POSTGRES`` names; skipped, saying how to get one,
    where there is neither. See tests/pg_cluster.py."""
    from pg_cluster import ENV, HOW_TO, Cluster, create_database, server_binaries

    pytest.importorskip("psycopg", reason="needs psycopg 3 (pip install 'psycopg[binary]')")
    given = os.environ.get(ENV)
    if given:
        class Given:  # an existing server: databases only, it is not ours to stop
            url = staticmethod(lambda: given)
            new_database = staticmethod(lambda prefix="t": create_database(given, prefix))
        yield Given()
        return
    binaries = server_binaries()
    if binaries is None:
        pytest.skip(HOW_TO)
    # Not under pytest's temp folder: as root that is private to root, and the server
    # runs as nobody.
    folder = Path(tempfile.mkdtemp(prefix="vocgui-pg-"))
    cluster = Cluster(folder, binaries)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty database on the test server: its postgresql:// URL."""
    return pg_server.new_database()


@pytest.fixture(autouse=True)
def _default_user():
    """Every test starts and ends recorded as the default user (VOCGUI_USER or the login
    name): a test that switches users with ``set_user`` cannot leak its name."""
    yield
    from vocgui.core.project.user import set_user

    set_user(None)
