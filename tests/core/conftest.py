"""Shared fixtures for the core tests (no Qt)."""

import pytest


@pytest.fixture(scope="session")
def mission_context():
    """(scenario, ModelContext, station Trajectory) over the display window, built once."""
    from orbitviz.core.mission import build_context

    return build_context()
