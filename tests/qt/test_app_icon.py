"""The app icon ships inside the package: the window gets it, and a wheel (a non-editable
install) carries it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from vocgui.qt.app import ICON, create_application

REPO = Path(__file__).resolve().parents[2]


def test_the_application_gets_the_icon_from_the_package(qapp):
    assert ICON.is_file() and b"<svg" in ICON.read_bytes()
    app = create_application()
    icon = app.windowIcon()
    assert not icon.isNull()
    assert not icon.pixmap(32, 32).toImage().isNull()


_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
from importlib.resources import files
import vocgui
assert vocgui.__file__.startswith(sys.argv[1]), vocgui.__file__
print(files("vocgui.qt").joinpath("resources", "vocgui.svg").read_bytes()[:200])
"""


@pytest.mark.slow
def test_a_non_editable_install_carries_the_icon(tmp_path):
    # Built from a copy: building in the checkout would leave build/ and egg-info there.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "vocgui", source / "vocgui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                            "-w", str(tmp_path / "dist"), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("vocgui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "vocgui/qt/resources/vocgui.svg" in archive.namelist()
    target = tmp_path / "site"
    installed = subprocess.run([*pip, "install", "--no-deps", "--quiet", "--target",
                                str(target), str(wheel)], capture_output=True, text=True,
                               timeout=300)
    assert installed.returncode == 0, installed.stderr
    loaded = subprocess.run([sys.executable, "-P", "-c", _CHECK, str(target)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={"PATH": os.environ.get("PATH", "")})
    assert loaded.returncode == 0, loaded.stderr
    assert "<svg" in loaded.stdout
