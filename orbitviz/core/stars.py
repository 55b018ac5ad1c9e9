"""The bright-star catalogue the sky is drawn from (Qt-free).

``assets/stars/hipparcos-bright.csv`` holds the 7,982 stars of the Hipparcos new reduction
(van Leeuwen 2007, CDS I/311; ESA, public domain) brighter than Hp 6.5, with ICRS
positions at epoch J2000.0 (moved from the catalogue epoch J1991.25 along each star's
proper motion by ``tools/build_star_catalog.py``). Proper motion between 2000 and 2021 is
below 0.06° for every star kept (most move less than 1"), far below what a screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from orbitviz.core.assets import asset_path

#: The catalogue file under ``assets/``.
CATALOG_PARTS = ("stars", "hipparcos-bright.csv")
_HEADER = "hip,ra_deg,dec_deg,hp_mag,b_v"


@dataclass(frozen=True)
class StarCatalog:
    """Bright stars as arrays, one row per star.

    - ``hip``: Hipparcos numbers, int32 (N,)
    - ``unit_icrs``: unit direction vectors in the ICRS (equator and equinox of the ICRS,
      x towards RA 0, z towards the north celestial pole), float64 (N,3), epoch J2000.0
    - ``mag``: Hipparcos Hp magnitude, float64 (N,)
    - ``b_v``: Johnson B−V colour index, magnitudes, float64 (N,)
    """

    hip: np.ndarray
    unit_icrs: np.ndarray
    mag: np.ndarray
    b_v: np.ndarray

    def __len__(self) -> int:
        return int(self.hip.shape[0])

    def index_of(self, hip: int) -> int:
        """Row of Hipparcos number ``hip`` (KeyError if the star is not in the catalogue)."""
        rows = np.flatnonzero(self.hip == int(hip))
        if rows.size == 0:
            raise KeyError(f"HIP {hip} is not among the bright stars")
        return int(rows[0])


def radec_to_unit(ra_deg, dec_deg) -> np.ndarray:
    """Unit vectors (…,3) of right ascension and declination given in degrees."""
    ra = np.radians(np.asarray(ra_deg, dtype=np.float64))
    dec = np.radians(np.asarray(dec_deg, dtype=np.float64))
    cd = np.cos(dec)
    return np.stack([cd * np.cos(ra), cd * np.sin(ra), np.sin(dec)], axis=-1)


@lru_cache(maxsize=1)
def load_bright_stars() -> StarCatalog:
    """Read the shipped bright-star catalogue (cached; the arrays are read-only)."""
    path = asset_path(*CATALOG_PARTS)
    lines = [ln for ln in path.read_text(encoding="ascii").splitlines()
             if ln and not ln.startswith("#")]
    if lines[0].strip() != _HEADER:
        raise ValueError(f"{path}: expected the header {_HEADER!r}, found {lines[0]!r}")
    data = np.loadtxt(lines[1:], delimiter=",", dtype=np.float64, ndmin=2)
    hip = data[:, 0].astype(np.int32)
    unit = radec_to_unit(data[:, 1], data[:, 2])
    cat = StarCatalog(hip=hip, unit_icrs=unit, mag=data[:, 3].copy(), b_v=data[:, 4].copy())
    for arr in (cat.hip, cat.unit_icrs, cat.mag, cat.b_v):
        arr.setflags(write=False)
    return cat
