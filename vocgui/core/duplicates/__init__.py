"""Exact and near-duplicate images, the label conflicts and split leaks they reveal.

- :mod:`.hashing`: content hash and pHash of a file (Pillow draft mode, imagehash).
- :mod:`.cache`: hash only new or changed files (mtime + size), on plain values.
- :mod:`.search`: near pairs among 64-bit hashes (multi-index) and embeddings (cosine).
- :mod:`.groups`: connected groups, label conflicts, leaks.
- :mod:`.feature_pairs`: a run's embedding pairs, searched once per set of features.
- :mod:`.report`: the whole pass over a project.
- :mod:`.leaks`: the leak check before a training run (by hash, by image features).
- :mod:`.thresholds`: the default and largest Hamming thresholds.

Nothing is imported here, so reading a threshold does not load Pillow or SciPy.
"""
