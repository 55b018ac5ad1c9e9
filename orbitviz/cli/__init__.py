"""The ``orbitviz`` command line: argument parsing (pure) and headless commands."""
