"""The Qt-free mission model: time, frames, propagation, models, trajectories.

Imports only the standard library, numpy and skyfield/sgp4.
"""
