"""Statistics of a labelled dataset, computed from the label matrix and the image and
object tables; nothing here reads pixels.

``Y`` is the bool matrix (n_images x n_classes, columns in class order) that
:func:`multi_hot` builds from the ``labels`` column.
"""

from vocgui.core.stats.class_weights import (
    NEUTRAL_WEIGHT,
    class_weight_array,
    class_weights,
    positive_weights,
    sample_weights,
)
from vocgui.core.stats.labels import (
    cooccurrence,
    images_per_class,
    labels_per_image,
    multi_hot,
    objects_per_class,
    positives_negatives,
)
from vocgui.core.stats.sizes import SizeStats, batch_memory_bytes, size_stats
from vocgui.core.stats.summary import DatasetStats, compute_stats, dataset_summary

__all__ = [
    "NEUTRAL_WEIGHT",
    "DatasetStats",
    "SizeStats",
    "batch_memory_bytes",
    "class_weight_array",
    "class_weights",
    "compute_stats",
    "cooccurrence",
    "dataset_summary",
    "images_per_class",
    "labels_per_image",
    "multi_hot",
    "objects_per_class",
    "positive_weights",
    "positives_negatives",
    "sample_weights",
    "size_stats",
]
