"""The lazy thumbnail loader and grid on the real sample JPEGs."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from vocgui.qt.thumbnails import ThumbnailGrid, ThumbnailLoader
from vocgui.qt.thumbnails.grid_model import ROW_ROLE
from vocgui.qt.viewer.cache import ByteLruCache
from vocgui.qt.viewer.image_loader import decode_image


@pytest.fixture
def jpegs(voc_sample: Path) -> list[Path]:
    return sorted((voc_sample / "JPEGImages").glob("*.jpg"))


class _ThreadRecorder:
    """The real decoder, noting which thread ran each decode."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def __call__(self, path: Path, max_side: int | None):
        self.threads.append(threading.get_ident())
        return decode_image(path, max_side)


def test_thumbnails_are_decoded_off_the_gui_thread(qtbot, jpegs) -> None:
    recorder = _ThreadRecorder()
    loader = ThumbnailLoader(size=64, decode=recorder)
    ready: dict[int, tuple[int, int]] = {}
    loader.thumbnail_ready.connect(
        lambda key, image: ready.__setitem__(key, (image.width(), image.height())))
    for key, path in enumerate(jpegs[:12]):
        assert loader.thumbnail(key, path) is None  # nothing decoded yet
    qtbot.waitUntil(lambda: len(ready) == 12, timeout=10_000)

    assert len(recorder.threads) == 12
    assert threading.get_ident() not in recorder.threads
    assert all(max(size) == 64 for size in ready.values())
    assert loader.thumbnail(3, jpegs[3]) is not None  # now from the cache
    assert len(recorder.threads) == 12


def test_newest_requests_decode_first_and_old_waiting_ones_are_dropped(qtbot, jpegs) -> None:
    recorder = _ThreadRecorder()
    loader = ThumbnailLoader(size=32, max_threads=1, max_pending=5, decode=recorder)
    order: list[int] = []
    loader.thumbnail_ready.connect(lambda key, _image: order.append(key))
    for key, path in enumerate(jpegs[:20]):
        loader.thumbnail(key, path)
    assert loader.pending_count == 5 and loader.running_count == 1
    qtbot.waitUntil(lambda: len(order) == 6, timeout=10_000)
    qtbot.wait(100)
    # 0 was started at once; then the newest five, newest first.
    assert order == [0, 19, 18, 17, 16, 15]


def test_cache_is_bounded_in_bytes(qtbot, jpegs) -> None:
    budget = 100_000  # two or three 128-pixel RGB thumbnails
    loader = ThumbnailLoader(size=128, cache_bytes=budget)
    done: list[int] = []
    loader.thumbnail_ready.connect(lambda key, _image: done.append(key))
    for key, path in enumerate(jpegs[:30]):
        loader.thumbnail(key, path)
        qtbot.waitUntil(lambda key=key: key in done, timeout=10_000)
    assert loader.cache.total_bytes <= budget
    assert 0 < len(loader.cache) < 30
    assert loader.cached(29) is not None and loader.cached(0) is None  # oldest evicted


def test_a_bad_file_fails_with_its_reason(qtbot, tmp_path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"no picture here")
    loader = ThumbnailLoader()
    with qtbot.waitSignal(loader.failed, timeout=10_000) as blocker:
        loader.thumbnail("bad", bad)
    assert blocker.args[0] == "bad" and "bad.jpg" in blocker.args[1]
    assert loader.thumbnail("bad", bad) is None and "bad.jpg" in loader.failure("bad")


def test_byte_lru_cache_evicts_least_recently_used() -> None:
    cache: ByteLruCache[bytes] = ByteLruCache(10, len)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # now "b" is the oldest
    cache.put("c", b"1234")
    assert "b" not in cache and "a" in cache and "c" in cache
    assert cache.total_bytes == 8
    cache.put("huge", b"x" * 11)  # larger than the budget: not kept, nothing evicted
    assert "huge" not in cache and len(cache) == 2


def test_grid_loads_only_what_is_on_screen(qtbot, state) -> None:
    grid = ThumbnailGrid(state, size=96)
    qtbot.addWidget(grid)
    grid.resize(360, 260)
    grid.show()
    qtbot.waitExposed(grid)
    model = grid.grid_model
    assert model.rowCount() == 100
    on_screen = [i for i in range(100)
                 if grid.visualRect(model.index(i, 0)).intersects(grid.viewport().rect())]
    qtbot.waitUntil(lambda: all(grid.loader.cached(i) is not None for i in on_screen),
                    timeout=10_000)
    asked = len(grid.loader.cache) + grid.loader.running_count + grid.loader.pending_count
    assert 0 < len(on_screen) <= asked < 100
    # Every thumbnail sits on a 96-pixel square, so all items lay out alike.
    image = model.index(on_screen[0], 0).data(Qt.ItemDataRole.DecorationRole)
    assert (image.width(), image.height()) == (96, 96)


def test_grid_follows_the_filter_and_sets_the_current_row(qtbot, state) -> None:
    grid = ThumbnailGrid(state)
    qtbot.addWidget(grid)
    grid.show()
    mask = np.zeros(100, dtype=bool)
    mask[[4, 8, 15, 16]] = True
    state.set_visible_mask(mask)
    model = grid.grid_model
    assert [model.index(i, 0).data(ROW_ROLE) for i in range(model.rowCount())] == [4, 8, 15, 16]
    assert model.index(2, 0).data() == state.project.images["filename"].iat[15]

    index = model.index(2, 0)
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton,
                      pos=grid.visualRect(index).center())
    assert state.current_row == 15
    state.set_current_row(16)
    assert grid.currentIndex().row() == 3


def test_deleting_a_loader_while_it_decodes_is_safe(qtbot, jpegs) -> None:
    survivor = ThumbnailLoader(size=32)
    done: list[int] = []
    survivor.thumbnail_ready.connect(lambda key, _image: done.append(key))
    doomed = ThumbnailLoader(size=32)
    for key, path in enumerate(jpegs[:8]):
        doomed.thumbnail(key, path)
    doomed.deleteLater()
    del doomed
    qtbot.wait(50)
    survivor.thumbnail(0, jpegs[0])  # the shared pool still works
    qtbot.waitUntil(lambda: done == [0], timeout=10_000)
