"""Pixel check of the bundle's smoke-test export (``orbitviz export --at docking``, the default
"earth" view at 1920 × 1080): space in the top-left corner, the lit, textured Earth in the
middle. Exits 1 with a one-line reason otherwise."""

import sys

import numpy as np
from PySide6.QtGui import QImage


def main(path: str) -> int:
    image = QImage(path).convertToFormat(QImage.Format.Format_RGB32)
    if image.isNull():
        print(f"smoke test: cannot read {path}", file=sys.stderr)
        return 1
    h, w, bpl = image.height(), image.width(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), np.uint8, count=h * bpl).reshape(h, bpl)
    rgb = raw[:, : w * 4].reshape(h, w, 4)[..., 2::-1].astype(float)
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    corner = luma[: h // 8, : w // 10].mean()
    middle = luma[h // 3: 2 * h // 3, w // 3: 2 * w // 3]
    facts = {"corner (space) mean luma < 25": corner < 25.0,
             "middle (Earth) mean luma > 50": middle.mean() > 50.0,
             "middle std > 10 (textured)": middle.std() > 10.0}
    failed = [k for k, ok in facts.items() if not ok]
    if failed:
        print(f"smoke test: picture check failed: {failed} (corner {corner:.1f}, middle "
              f"{middle.mean():.1f} ± {middle.std():.1f})", file=sys.stderr)
        return 1
    print(f"smoke test: picture OK (space {corner:.1f}, Earth {middle.mean():.1f} ± "
          f"{middle.std():.1f} luma)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
