"""The frozen app's entry point (PyInstaller runs this script): the same ``main`` as the
``orbitviz`` console script."""

import sys

from orbitviz.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
