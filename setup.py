"""Build hook: copy the top-level ``assets/`` and ``resources/`` into the wheel as
``orbitviz/_data/`` so an installed orbitviz finds them (see orbitviz/core/assets.py)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "orbitviz" / "_data"
        for name in ("assets", "resources"):
            src = here / name
            if src.is_dir():
                dst = target / name
                if dst.exists():
                    shutil.rmtree(dst)
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})
