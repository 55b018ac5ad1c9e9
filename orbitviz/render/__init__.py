"""Turns core state into pyqtgraph GL items. No widgets, no physics.

Scene units are kilometres relative to the scene origin (the camera's target, kept in
float64 on the CPU); :mod:`orbitviz.render.units` is the one place that converts.
"""
