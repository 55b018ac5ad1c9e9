"""Locates the data orbitviz ships: ``assets/`` (mission data, imagery, catalogues) and
``resources/`` (Qt-side files).

In a source checkout they sit beside the package; in a wheel the build copies them into
``orbitviz/_data/``. Nothing is looked up anywhere else, and nothing is downloaded.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def data_root() -> Path:
    """The folder holding ``assets/`` and ``resources/``."""
    for candidate in (_PKG / "_data", _PKG.parent):
        if (candidate / "assets" / "mission").is_dir():
            return candidate
    raise FileNotFoundError(
        f"orbitviz's assets are missing (looked in {_PKG / '_data'} and {_PKG.parent}); "
        "reinstall orbitviz")


def asset_path(*parts: str) -> Path:
    """Path of a file under ``assets/``."""
    return data_root().joinpath("assets", *parts)


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``."""
    return data_root().joinpath("resources", *parts)


def load_toml(*parts: str) -> dict:
    """Parse a TOML file under ``assets/``."""
    with asset_path(*parts).open("rb") as fh:
        return tomllib.load(fh)
