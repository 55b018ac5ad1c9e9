"""Reading rendered frames back in the GL tests."""

import numpy as np


def render_rgb(view, width: int, height: int, png_path: str):
    """``view.renderToArray`` as an (H, W, 3) float RGB array; the frame is also saved as a
    PNG (for looking at a failure)."""
    from PySide6.QtGui import QImage

    bgra = np.ascontiguousarray(view.renderToArray((width, height)))
    QImage(bgra.data, width, height, 4 * width, QImage.Format.Format_ARGB32).save(png_path)
    return bgra[..., [2, 1, 0]].astype(np.float64)
