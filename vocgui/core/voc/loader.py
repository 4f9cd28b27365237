"""``load_voc``: one or more VOC folders -> a :class:`VocDataset` (images, objects, problems).

Bad input never aborts a load: every bad file becomes a :class:`Problem` naming the file
and the reason, and everything else loads. The only exception raised is
:class:`LoadCancelled`, when ``cancel()`` asks for it. The table rules (which files
become rows, how images are matched) are documented in :mod:`table_builder`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from vocgui.core.voc.chunk_parser import parse_chunk
from vocgui.core.voc.dataset import Problem, VocDataset
from vocgui.core.voc.discovery import (
    list_annotation_files,
    list_image_files,
    resolve_source,
)
from vocgui.core.voc.image_check import check_images as check_images_of
from vocgui.core.voc.image_header import read_sizes_chunk
from vocgui.core.voc.image_sets import read_splits
from vocgui.core.voc.parallel import (
    CancelCallback,
    ProgressCallback,
    default_workers,
    plan_chunks,
    run_chunks,
)
from vocgui.core.voc.table_builder import SourceFiles, build_dataset

PathLike = str | os.PathLike[str]


def load_voc(source: PathLike | Sequence[PathLike], *, images_dir: PathLike | None = None,
             keep_repeats: bool = False, include_difficult: bool = True,
             workers: int | None = None, progress: ProgressCallback | None = None,
             cancel: CancelCallback | None = None, follow_links: bool = False,
             check_images: bool = True) -> VocDataset:
    """Load VOC annotations into image and object tables.

    Every annotation that parses is a row, even when its image is missing (reported as a
    ``missing_image`` problem). Images without an annotation (images folders are
    searched recursively) are rows in the *unlabeled* state (``labeled`` False): nothing
    is known about their labels, so they must never train as negatives. A folder of
    images only is a valid dataset of unlabeled images.

    Args:
        source: a VOC root (``Annotations/``, ``JPEGImages/``, optional
            ``ImageSets/Main/``), an annotations folder, or a list of either; a list is
            combined into one dataset (``roots`` gets one entry per source).
        images_dir: the images folder for annotations folders (applies to every source).
        keep_repeats: keep one label per object (``('dog', 'dog')``) instead of unique
            labels per image.
        include_difficult: when False, objects marked difficult do not make labels (the
            object table keeps them).
        workers: processes to parse with; None = the cores available. Small datasets are
            parsed in this process whatever the value.
        progress: ``progress(done, total)`` with annotation files parsed (then unlabeled
            image headers read) so far, called on this thread.
        cancel: polled on this thread; returning True raises :class:`LoadCancelled`.
        follow_links: follow links in the annotations and images folders that point
            outside the dataset (they are ``outside_link`` problems either way; without
            this they are left out, and so is an annotation naming such an image).
        check_images: read the start and end of every JPEG and PNG to find truncated
            and mislabelled files and sizes that disagree with ``<size>``
            (:mod:`image_check`; about 30 us per image).

    Only regular files are read (FIFOs and devices are ``special_file`` problems), and
    annotation files only up to :data:`file_safety.MAX_ANNOTATION_BYTES`.
    """
    paths = [source] if isinstance(source, str | os.PathLike) else list(source)
    problems: list[Problem] = []
    sources: list[SourceFiles] = []
    for path in paths:
        voc_source = resolve_source(path, images_dir)
        xml_names, listing_problems = list_annotation_files(voc_source, follow_links)
        problems.extend(listing_problems)
        splits: dict[str, str] = {}
        if voc_source.image_sets_dir is not None:
            splits, split_problems = read_splits(voc_source.image_sets_dir)
            problems.extend(split_problems)
        image_names, image_problems = list_image_files(voc_source, follow_links)
        problems.extend(image_problems)
        refused = {problem.image: problem.kind for problem in image_problems
                   if problem.image is not None and problem.image not in (image_names or ())}
        sources.append(SourceFiles(voc_source, xml_names, image_names, splits, refused))
    xml_paths = [prefix + name for files in sources
                 for prefix in [f"{files.source.annotations_dir}{os.sep}"]
                 for name in files.xml_names]
    n_workers = workers or default_workers()
    chunks, useful_workers = plan_chunks(xml_paths, n_workers)
    parsed = run_chunks(parse_chunk, chunks, (keep_repeats, include_difficult),
                        useful_workers, progress, cancel)

    def read_sizes(paths: list[str]) -> list[tuple[int, int, int] | tuple[str, str]]:
        # Headers only, in worker processes for large folders, with progress counted on
        # after the XMLs.
        size_chunks, size_workers = plan_chunks(paths, n_workers)
        offset = len(xml_paths)
        shifted = None if progress is None else (
            lambda done, total: progress(offset + done, offset + total))
        results = run_chunks(read_sizes_chunk, size_chunks, (), size_workers, shifted, cancel)
        return [size for chunk in results for size in chunk]

    dataset = build_dataset(sources, parsed, problems, read_sizes)
    if check_images:
        dataset.problems.extend(_check_image_files(dataset, workers, cancel))
    return dataset


def _check_image_files(dataset: VocDataset, workers: int | None,
                       cancel: CancelCallback | None) -> list[Problem]:
    """Problems of the rows' JPEG and PNG files (see :mod:`image_check`), in row order."""
    paths = dataset.absolute_paths()
    images = dataset.images
    items = list(zip(paths, images["width"].tolist(), images["height"].tolist(),
                     strict=True))
    chunks, useful_workers = plan_chunks(items, workers or default_workers())
    found = run_chunks(check_images_of, chunks, (), useful_workers, None, cancel)
    problems = []
    filenames = images["filename"]
    # Images whose header could not be read (for a missing <size>) are reported already.
    reported = {problem.file for problem in dataset.problems}
    offset = 0
    for chunk, findings in zip(chunks, found, strict=True):
        for index, kind, message in findings:
            row = offset + index
            if paths[row] not in reported:
                problems.append(Problem(paths[row], kind, message, filenames.iat[row]))
        offset += len(chunk)
    return problems
