"""Physical models for the phases no element set covers: ascent, rendezvous, return."""
