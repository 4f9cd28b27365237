"""UMAP of a run's features, computed in a child process.

Three reasons for a child rather than a thread of the app: ``import umap`` imports
TensorFlow and Keras whenever they are installed (for its ParametricUMAP), which the GUI
process must never do; numba compiles UMAP's functions for tens of seconds while holding
the GIL; and a layout no longer wanted is stopped by ending the child. The child blocks
the TensorFlow and Keras imports (umap-learn then goes without ParametricUMAP) and turns
on numba's on-disk cache for UMAP's compiled functions, so only the first UMAP on a
machine compiles them (measured: 120 images, 4.5 min under load the first time, 23 s
after, most of it ``import umap``).

Run as ``python -P -m vocgui.core.map_umap FEATURES.npy OUT.npy`` (what :func:`umap_layout`
does); exit code 0 when ``OUT.npy`` was written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vocgui.core.atomic import save_npy_atomically
from vocgui.core.child_command import module_command

#: Seconds between checks of ``cancelled`` while the child runs.
_POLL_SECONDS = 0.2
#: The numba functions of umap-learn 0.5 that a layout compiles (module, name). The
#: parallel twin of the layout epoch shares its source: caching both would mix them up.
_COMPILED = (("umap.umap_", "smooth_knn_dist"), ("umap.umap_", "compute_membership_strengths"),
             ("umap.utils", "fast_knn_indices"), ("umap.distances", "cosine"),
             ("umap.layouts", "_nb_optimize_layout_euclidean_single_epoch"))


class LayoutCancelled(Exception):
    """The layout was no longer wanted; its child process was ended."""


def umap_layout(features: np.ndarray, seed: int = 0,
                cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
    """UMAP (cosine) of ``features`` (n, d), float32 (n, 2), from a child process.

    Blocks until the child ends (seconds when numba's cache is warm; a minute or more the
    first time on a machine): call it off the GUI thread. ``cancelled()`` is checked a few
    times a second; when it returns True the child is killed and :class:`LayoutCancelled`
    raised. A failed child raises RuntimeError with the end of its error output.
    """
    with tempfile.TemporaryDirectory(prefix="vocgui-umap-") as folder:
        source, target = Path(folder) / "features.npy", Path(folder) / "layout.npy"
        np.save(source, np.asarray(features, dtype=np.float32))
        command, env = module_command("vocgui.core.map_umap", str(source), str(target),
                                      str(seed))
        with open(Path(folder) / "child.log", "w+b") as log:
            child = subprocess.Popen(command, env={**os.environ, **env},
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            while True:
                try:
                    code = child.wait(_POLL_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    if cancelled():
                        child.kill()
                        child.wait()
                        raise LayoutCancelled("the UMAP layout was stopped") from None
            if code != 0 or not target.is_file():
                log.seek(0)
                tail = log.read().decode("utf-8", errors="replace").strip().splitlines()[-3:]
                raise RuntimeError(f"the UMAP child ended with code {code}: "
                                   + (" / ".join(tail) or "no output"))
        return np.load(target, allow_pickle=False).astype(np.float32)


def _import_umap_without_tensorflow():
    """``umap`` with TensorFlow and Keras unimportable (only ever in the child)."""
    for name in ("tensorflow", "keras"):
        sys.modules.setdefault(name, None)  # None in sys.modules: "import x" fails
    import umap

    return umap


def _cache_compiled_functions() -> None:
    """numba's on-disk cache for the functions a layout compiles (umap-learn does not ask
    for it); a name this umap-learn lacks is skipped. numba keeps the cache where it keeps
    pynndescent's (beside the package if writable, else in the user's cache folder)."""
    import importlib

    for module, name in _COMPILED:
        enable = getattr(getattr(importlib.import_module(module), name, None),
                         "enable_caching", None)  # a numba dispatcher's
        if enable is not None:
            enable()


def _compute(features: np.ndarray, seed: int) -> np.ndarray:
    umap = _import_umap_without_tensorflow()
    _cache_compiled_functions()
    reducer = umap.UMAP(n_components=2, metric="cosine", random_state=seed,
                        n_neighbors=min(15, max(2, len(features) - 1)), min_dist=0.1)
    return np.asarray(reducer.fit_transform(features), dtype=np.float32)


def main(argv: list[str]) -> int:
    source, target, seed = argv
    from vocgui.core.voc.parallel import die_with_parent

    die_with_parent(os.getppid())  # a closed app leaves no UMAP running
    features = np.load(source, allow_pickle=False)
    save_npy_atomically(target, _compute(features, int(seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
