"""orbitviz ui layer."""
