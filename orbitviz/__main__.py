"""``python -m orbitviz``: the same as the ``orbitviz`` command."""

import sys

from orbitviz.cli.main import main

sys.exit(main())
