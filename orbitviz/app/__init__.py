"""orbitviz app layer."""
