"""The Hamming and cosine thresholds of near-duplicate search (plain constants: importing this costs
nothing, so ``vocgui --help`` can show them)."""

#: Default largest pHash distance (bits of 64) of a near copy: planted resized,
#: recompressed, greyscale and 4%-cropped copies of the real VOC sample lie within 8 (one
#: JPEG at quality 10 at 12); the closest two distinct sample images are 16 apart.
DEFAULT_THRESHOLD = 10
#: Largest threshold searched (radius 3 per 16-bit chunk: 697 buckets per lookup).
MAX_HAMMING_THRESHOLD = 15
#: Default smallest cosine similarity of two images' embeddings (a run's pooled features,
#: centred) for a near copy. Measured on small CNNs trained briefly (the weakest features
#: a user will have): planted copies of real VOC images reach 0.997 (quality 20), 0.999
#: (cropped 4%) and 1.0 (resized); greyscale ones 0.982, but the hashes find those. Of
#: 4,950 pairs of distinct sample images, 1 reaches 0.98 and none 0.99; on the demo, 2
#: distinct pairs reach 0.98 and none 0.99.
DEFAULT_SIMILARITY = 0.99
