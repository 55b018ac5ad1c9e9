"""orbitviz: a 3D visualiser of the Soyuz MS-19 "Challenge" mission (October 2021).

Importing this package imports no Qt, pyqtgraph or OpenGL module: the Qt-free
mission model lives in :mod:`orbitviz.core`; the desktop app is loaded lazily.
"""

__version__ = "0.1.0"
