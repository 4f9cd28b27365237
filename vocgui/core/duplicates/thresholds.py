"""The Hamming and cosine thresholds of near-duplicate search (plain constants: importing this costs
nothing, so ``vocgui --help`` can show them)."""

#: Default largest pHash distance (bits of 64) of a near copy: planted resized,
#: recompressed, greyscale and 4%-cropped copies of the real VOC sample lie within 8 (one
#: JPEG at quality 10 at 12); the closest two distinct sample images are 16 apart.
DEFAULT_THRESHOLD = 10
#: Largest threshold searched (radius 3 per 16-bit chunk: 697 buckets per lookup).
MAX_HAMMING_THRESHOLD = 15
#: Default smallest cosine similarity of two images' embeddings (a run's pooled
#: features) for a near copy.
DEFAULT_SIMILARITY = 0.95
