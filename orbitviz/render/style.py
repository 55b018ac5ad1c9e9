"""The look of orbitviz in one place: colours and sizes of the 3D scene, the map and the
legend (which import them from here).

Colours are RGBA tuples of floats 0–1 unless the name says ``_RGBA`` (0–255 integers) or the
value is a ``#rrggbb`` string (Qt-side panels). Sizes in pixels are device pixels at pixel
scale 1, i.e. sized for a 1080-line frame; exports multiply them by output height / 1080.
"""

from __future__ import annotations

import numpy as np

# -- the mission's objects and sites (3D scene, map, legend) ---------------------------------
#: Object colours: station white-cyan, Soyuz MS-19 orange, Soyuz MS-18 green.
COLORS = {
    "iss": (0.80, 0.93, 1.00, 1.0),
    "soyuz-ms-19": (1.00, 0.62, 0.18, 1.0),
    "soyuz-ms-18": (0.45, 0.95, 0.55, 1.0),
}
SITE_COLORS = {"pad": (1.0, 0.88, 0.25, 1.0), "landing-estimate": (1.0, 0.35, 0.35, 1.0),
               "landing-model": (0.45, 0.95, 0.55, 1.0)}
EVENT_COLOR = (1.0, 1.0, 1.0, 0.9)
#: The user's own satellites (element-set files): one magenta for all, unlike the mission's.
USER_COLOR = (1.00, 0.36, 0.86, 1.0)
#: The selected user object's track in a big catalogue: a lighter magenta, to stand out of
#: the cloud of trails.
SELECTED_USER_COLOR = (1.00, 0.78, 0.96, 1.0)

# -- the 3D scene --------------------------------------------------------------------------------
#: Marker diameter of a user object, px (smaller than the station's 11 px, so a user's copy
#: of the station sits inside the mission's marker, both visible).
USER_MARKER_PX = 7.0
#: Marker diameters of the mission's objects, sites and event points, px.
STATION_MARKER_PX = 11.0
VEHICLE_MARKER_PX = 9.0
PAD_MARKER_PX = 7.0
LANDING_ESTIMATE_MARKER_PX = 8.0
LANDING_MODEL_MARKER_PX = 7.0
EVENT_MARKER_PX = 5.0
#: Smallest on-screen diameter of the selected user object's head, px.
SELECTED_USER_MIN_PX = 10.0
#: User objects are labelled with their names when at most this many have a state now.
USER_LABEL_MAX = 50
#: Up to this many user objects, each is drawn with a track over the view's track span
#: (like the mission's); beyond, as points with short trails of :data:`SHORT_TRAIL_S`.
USER_TRACKS_MAX = 50
#: Trail behind each user object in a catalogue of more than :data:`USER_TRACKS_MAX`,
#: seconds: from this at 50 objects down to :data:`SHORT_TRAIL_MIN_S` at 30,000 (the
#: trails' total length on screen is what costs on a software renderer).
SHORT_TRAIL_S = 600.0
SHORT_TRAIL_MIN_S = 150.0
#: Track width, label font and the label's shift right of its anchor, grid line width, px.
TRACK_WIDTH_PX = 2.0
LABEL_FONT_PX = 18
LABEL_OFFSET_PX = (10, 0)
GRID_WIDTH_PX = 1.0
#: Below this many pixels on screen a mesh is hard to see: its marker is drawn too.
MESH_MIN_PX = 24.0


def user_style(n: int) -> tuple[float, float, float]:
    """(point diameter px at pixel scale 1, trail opacity, short trail s) for a catalogue of
    ``n`` user objects: up to :data:`USER_TRACKS_MAX` as the mission's markers; beyond,
    smaller and fainter on a log scale down to 2.5 px, 0.15 and 150 s at 30,000, so a whole
    catalogue reads as a cloud with the Earth showing through."""
    if n <= USER_TRACKS_MAX:
        return USER_MARKER_PX, 0.8, SHORT_TRAIL_S
    f = min(max(np.log(n / USER_TRACKS_MAX) / np.log(30000 / USER_TRACKS_MAX), 0.0), 1.0)
    return (5.5 - 3.0 * f, 0.7 - 0.55 * f,
            SHORT_TRAIL_S - (SHORT_TRAIL_S - SHORT_TRAIL_MIN_S) * f)


# -- spacecraft and launcher meshes (RGB 0–1, the materials' own colours under white light) ---
#: Station: modules, truss, Russian green blankets, the arrays' cells and their backs,
#: radiators, Canadarm2.
STATION_MESH_COLORS = {
    "white": (0.86, 0.86, 0.84), "grey": (0.62, 0.62, 0.64), "dark": (0.30, 0.30, 0.32),
    "truss": (0.70, 0.70, 0.72), "ru-green": (0.60, 0.64, 0.56),
    "cells": (0.16, 0.20, 0.45), "cells-back": (0.55, 0.50, 0.38),
    "irosa-cells": (0.10, 0.12, 0.22), "ru-cells": (0.18, 0.28, 0.45),
    "radiator": (0.93, 0.93, 0.95), "arm": (0.92, 0.92, 0.90),
}
#: Visiting vehicles and the launcher: the Soyuz's green-grey blanket and descent module,
#: Dragon's white, Cygnus's service module, the rocket's grey-white and the fairing.
VEHICLE_MESH_COLORS = {
    "soyuz-green": (0.42, 0.47, 0.36), "soyuz-dm": (0.55, 0.50, 0.42),
    "grey": (0.62, 0.62, 0.64), "white": (0.88, 0.88, 0.86), "dark": (0.18, 0.18, 0.20),
    "cells": (0.16, 0.20, 0.45), "cells-back": (0.55, 0.50, 0.38),
    "cygnus-sm": (0.72, 0.62, 0.40), "rocket": (0.80, 0.80, 0.78), "fairing": (0.90, 0.90, 0.88),
}
#: Soyuz MS-18's parachutes: the canopies' orange-and-white cloth (one mean colour each) and
#: the risers.
PARACHUTE_COLORS = {"main-canopy": (0.95, 0.55, 0.22), "drogue-canopy": (0.95, 0.62, 0.30),
                    "riser": (0.85, 0.85, 0.80)}
#: Engine plumes, drawn additively (RGB scaled by the intensity of each point): kerosene and
#: oxygen (the launcher's stages: yellow-orange), storable hypergolics (the Soyuz's engines
#: and thrusters: faint violet-white, nearly invisible in vacuum) and the soft-landing
#: engines' solid propellant (white-orange flash).
PLUME_COLORS = {"kerolox": (1.00, 0.72, 0.35), "hypergolic": (0.55, 0.50, 0.75),
                "solid": (1.00, 0.85, 0.60)}
#: Peak additive intensity of a plume at its nozzle, by propellant.
PLUME_INTENSITY = {"kerolox": 0.95, "hypergolic": 0.55, "solid": 1.0}
#: Mesh lighting: the Sun's share, the ambient floor and a faint fill from the side opposite
#: the Sun (a drawing aid that keeps the unlit sides' shapes readable; no physical source).
MESH_AMBIENT = 0.22
MESH_FILL = 0.12
#: Labels of meshes stand right of their meshes' rightmost corner on screen, by this much
#: more than 1 times the meshes' bounding radius (a small gap, clear of the geometry).
MESH_LABEL_CLEARANCE = 1.04


# -- the ground-track map ---------------------------------------------------------------------
#: Map background and axes colours (dark theme, readable on a projector).
MAP_BG = "#0b0f16"
MAP_FG = "#aab4bf"
#: Night side: fill colour and the terminator line (RGBA 0–255); the sub-solar point.
NIGHT_RGBA = (4, 8, 24, 140)
TERMINATOR_RGBA = (255, 214, 120, 150)
SUN_COLOR = "#ffd23f"
#: Behind the map's labels, so they read over tracks and bright land (RGBA 0–255).
LABEL_FILL = (5, 8, 14, 150)
#: The user's objects on the map: dot diameter (px, smaller than the mission's 10–13 px
#: markers, so a user's copy of the station shows inside the station's marker), outline,
#: the selected object's ring (px).
USER_DOT_PX = 6.0
USER_DOT_OUTLINE = (5, 7, 10, 160)
#: (diameter px, outlined) of the dots: up to USER_LABEL_MAX objects, up to USER_DENSE,
#: more (a whole catalogue: a haze that shows where the orbits crowd, the map still seen).
USER_DENSE = 2000
USER_DOT_STYLES = ((USER_DOT_PX, True), (4.0, True), (2.5, False))
USER_RING_PX = 17.0
#: Dark casing under the selected object's ring and flown track; its label's box.
USER_CASING = (5, 7, 10, 190)
SELECTED_FILL = (20, 6, 18, 215)
#: The selected user object's name on the map (light, in a USER_COLOR frame).
SELECTED_TEXT = "#fbe9f7"
#: The map's marker diameters, px: the station (a square), a vehicle (a disc), the sites
#: (pad: a triangle, landing estimate: a cross, modelled touchdown: a disc), the sub-solar
#: point; their outlines.
MAP_STATION_PX = 13.0
MAP_VEHICLE_PX = 10.0
MAP_PAD_PX = 11.0
MAP_LANDING_ESTIMATE_PX = 13.0
MAP_LANDING_MODEL_PX = 7.0
MAP_SUN_PX = 16.0
MAP_MARKER_EDGE = "#05070a"
MAP_SUN_EDGE = "#ff8a00"
#: Map line widths, px: flown track, track to come (dashed: dash and gap in line widths),
#: the selected object's casing and ring, the terminator.
MAP_TRACK_PX = 2.2
MAP_FUTURE_PX = 1.6
MAP_DASH = (5.0, 4.0)
MAP_CASING_PX = 5.0
MAP_RING_PX = 2.5
MAP_TERMINATOR_PX = 1.2
#: The map's label text, px, and the city lights' tint (RGB 0–255; alpha: brightness × gain).
MAP_LABEL_FONT_PX = 12
NIGHT_LIGHTS_RGB = (255, 214, 150)
NIGHT_LIGHTS_GAIN = 1.3


# -- the panels (Qt style-sheet colours) --------------------------------------------------------
#: Plots' background and axes; text; the two craft; burns, the time cursor, docking; the
#: "modelled" badge.
PLOT_BG = "#12161c"
PLOT_FG = "#aab4bf"
TEXT = "#dde3ea"
SOYUZ_COLOR = "#ff9f3a"
STATION_COLOR = "#e8eef5"
BURN_COLOR = "#ff5c74"
CURSOR_COLOR = "#5cc8ff"
DOCKING_COLOR = "#7ee07e"
BADGE_BG = "#c46a00"


def rgba_255(rgba) -> tuple[int, int, int, int]:
    """An RGBA colour of floats 0–1 as integers 0–255."""
    return tuple(int(round(255 * float(c))) for c in rgba)


__all__ = [n for n in dir() if n.isupper()] + ["user_style", "rgba_255"]
