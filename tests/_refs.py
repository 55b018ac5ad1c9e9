"""Independent references shared by tests in several folders (imported as ``_refs``:
``tests/`` is on the path through its conftest), and small helpers for reading pictures."""

import datetime as dt
import math

import numpy as np


def noaa_subsolar(when: dt.datetime):
    """Sub-solar latitude and longitude (degrees) by NOAA's Solar Calculator equations
    (after Meeus, Astronomical Algorithms), from the UTC time alone."""
    jd = when.timestamp() / 86400.0 + 2440587.5
    jc = (jd - 2451545.0) / 36525.0
    l0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360.0
    m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    mr = math.radians(m)
    c = (math.sin(mr) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
         + math.sin(2 * mr) * (0.019993 - 0.000101 * jc) + math.sin(3 * mr) * 0.000289)
    omega = math.radians(125.04 - 1934.136 * jc)
    app_long = l0 + c - 0.00569 - 0.00478 * math.sin(omega)
    mean_obliq = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
    obliq = math.radians(mean_obliq + 0.00256 * math.cos(omega))
    decl = math.degrees(math.asin(math.sin(obliq) * math.sin(math.radians(app_long))))
    y = math.tan(obliq / 2) ** 2
    l0r = math.radians(l0)
    eot_min = 4 * math.degrees(y * math.sin(2 * l0r) - 2 * e * math.sin(mr)
                               + 4 * e * y * math.sin(mr) * math.cos(2 * l0r)
                               - 0.5 * y * y * math.sin(4 * l0r) - 1.25 * e * e * math.sin(2 * mr))
    hours = when.hour + when.minute / 60 + (when.second + when.microsecond / 1e6) / 3600
    lon = -15.0 * (hours - 12.0 + eot_min / 60.0)
    return decl, (lon + 180.0) % 360.0 - 180.0


def qimage_rgb(image) -> np.ndarray:
    """A QImage as an (H, W, 3) int array of R, G, B."""
    from PySide6 import QtGui

    img = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8,
                        count=img.bytesPerLine() * h).reshape(h, img.bytesPerLine())
    return arr[:, : w * 3].reshape(h, w, 3).astype(int)
