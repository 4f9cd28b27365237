"""Filter and sort changes in the image table: 17,125 VOC2012 rows and 1,000,000 rows.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_filter.py [--images N]
Each figure is the time from a filter (or sort) change to the model and its shown
QTableView being updated (numpy mask + permutation + model reset). The baseline, in the
same run, is a QSortFilterProxyModel filtering the same model by file name (Qt calls
Python's data() once per row). Target: under 50 ms on 17k rows. The last line is the
ratio proxy / numpy on 17k and on 1M rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from bench_project import synthetic_dataset  # noqa: E402
from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402
from shared_data import TARBALL, extract_voc2012  # noqa: E402

from vocgui.core.project import Project  # noqa: E402
from vocgui.qt.table.columns import Column  # noqa: E402
from vocgui.qt.table.filter import TableFilter  # noqa: E402
from vocgui.qt.table.model import ImageTableModel  # noqa: E402


def median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def filters_for(project: Project, name_part: str) -> dict[str, TableFilter]:
    classes = tuple(project.classes[:2])
    return {
        f"name contains '{name_part}'": TableFilter(text=name_part),
        f"has any of {', '.join(classes)}": TableFilter(classes=classes),
        f"has all of {', '.join(classes)}": TableFilter(classes=classes, class_mode="all"),
        "split val, unreviewed": TableFilter(split="val", review="unreviewed"),
        "explicit 1% row set": TableFilter(rows=np.arange(0, len(project.images), 100),
                                           rows_caption="every 100th"),
    }


def measure(app: QApplication, project: Project, name_part: str, repeat: int) -> float:
    """Print each filter's time; return the name filter's (the one the baseline does)."""
    model = ImageTableModel()
    view = QTableView()
    view.setModel(model)
    view.resize(900, 600)
    view.show()
    model.set_source(project)
    app.processEvents()
    n = len(project.images)
    print(f"{n:,} rows")
    name_ms = 0.0
    for label, table_filter in filters_for(project, name_part).items():

        def change(f: TableFilter = table_filter) -> None:
            model.set_filter(f)
            app.processEvents()
            model.set_filter(TableFilter())
            app.processEvents()

        # Each repetition applies the filter and clears it: two filter changes.
        ms = median_ms(change, repeat) / 2
        model.set_filter(table_filter)
        print(f"  filter {label:<34} {ms:8.2f} ms  ({model.rowCount():,} shown)")
        if label.startswith("name"):
            name_ms = ms
    model.set_filter(TableFilter())
    def sort(column: Column, order=Qt.SortOrder.AscendingOrder) -> None:
        model.sort(column, order)
        app.processEvents()

    for column in (Column.FILE, Column.LABELS, Column.SIZE):
        # The first sort by a column computes its cached order; later ones reuse it.
        first = median_ms(lambda c=column: sort(c, Qt.SortOrder.DescendingOrder), 1)
        again = median_ms(lambda c=column: sort(c), repeat)
        print(f"  sort by {column.name.lower():<8} first {first:8.2f} ms, then {again:8.2f} ms")
    view.close()
    return name_ms


def proxy_baseline(app: QApplication, project: Project, name_part: str, repeat: int) -> float:
    """The same name filter through QSortFilterProxyModel over the same model."""
    model = ImageTableModel()
    model.set_source(project)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(Column.FILE)
    view = QTableView()
    view.setModel(proxy)
    view.show()
    app.processEvents()

    def change() -> None:
        proxy.setFilterRegularExpression(QRegularExpression(QRegularExpression.escape(
            name_part)))
        app.processEvents()
        proxy.setFilterRegularExpression(QRegularExpression())
        app.processEvents()

    ms = median_ms(change, repeat) / 2
    print(f"  baseline QSortFilterProxyModel, name filter: {ms:8.2f} ms")
    view.close()
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    parser.add_argument("--images", type=int, default=1_000_000)
    args = parser.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        voc = Project.create_from_voc(tmp / "voc.vocgui", extract_voc2012(tmp, args.tarball))
        ours_17k = measure(app, voc, "2008_00", repeat=20)
        proxy_17k = proxy_baseline(app, voc, "2008_00", repeat=5)
        Project.create(tmp / "big.vocgui", synthetic_dataset(args.images)).close()
        big = Project.open(tmp / "big.vocgui")
        ours_big = measure(app, big, "00012", repeat=5)
        proxy_big = proxy_baseline(app, big, "00012", repeat=1)
        n_big = len(big.images)
        big.close()
        voc.close()
    print(f"ratio QSortFilterProxyModel / numpy name filter: {proxy_17k / ours_17k:.1f}x on "
          f"17,125 rows (ours {ours_17k:.1f} ms, target < 50 ms), "
          f"{proxy_big / ours_big:.0f}x on {n_big:,} rows (ours {ours_big:.1f} ms)")


if __name__ == "__main__":
    main()
