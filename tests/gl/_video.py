"""Reading videos back in the GL tests."""

import gc
import warnings

import imageio_ffmpeg
import numpy as np


def decode(path):
    """(metadata, list of (H, W, 3) uint8 frames) of a video, through ffmpeg's decoder."""
    # imageio-ffmpeg 0.8.1's reader leaves the pipes of an ffmpeg that ran to the end open
    # (a ResourceWarning when collected, which fails tests): collect them here, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gen = imageio_ffmpeg.read_frames(str(path))
        meta = next(gen)
        w, h = meta["size"]
        frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3).copy() for f in gen]
        del gen
        gc.collect()
    return meta, frames
