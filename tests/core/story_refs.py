"""A synthetic, analytic scene for the story tests (no mission model): two spacecraft on
circular orbits and an Earth turning at its sidereal rate, with each target's LVLH, ENU,
Earth-fixed and inertial axes in closed form. Smooth (C∞) in mission time, so any kink in a
camera path comes from the path, not from the scene. World frame: inertial (GCRS-like)."""

import math

import numpy as np

MU_KM3_S2 = 398600.4418
OMEGA_EARTH = 7.2921159e-5  # rad/s
ORBITS = {"sat": (6791.0, 51.64, 0.0), "station": (6795.0, 51.64, 0.02)}  # a km, i°, phase


def orbit_state(target, t):
    a, inc, phase = ORBITS[target]
    n = math.sqrt(MU_KM3_S2 / a**3)
    th, i = n * t + phase, math.radians(inc)
    r = a * np.array([math.cos(th), math.sin(th) * math.cos(i), math.sin(th) * math.sin(i)])
    v = a * n * np.array([-math.sin(th), math.cos(th) * math.cos(i), math.cos(th) * math.sin(i)])
    return r, v


def gcrs_to_itrs(t):
    c, s = math.cos(OMEGA_EARTH * t), math.sin(OMEGA_EARTH * t)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])


def lvlh_rows(r, v):
    """x along-track, y opposite the orbit normal, z toward the Earth (by construction)."""
    z = -r / np.linalg.norm(r)
    h = np.cross(r, v)
    y = -h / np.linalg.norm(h)
    return np.stack([np.cross(y, z), y, z])


def locate(target, axes, t):
    """The locator of the inertial world frame: (origin km, rows of the axes)."""
    g2i = gcrs_to_itrs(t)
    if target == "earth":
        origin, r, v = np.zeros(3), None, None
    else:
        r, v = orbit_state(target, t)
        origin = r
    if axes == "inertial":
        rows = np.eye(3)
    elif axes == "earth-fixed":
        rows = g2i  # row k: the ITRS axis k written in GCRS
    elif axes == "lvlh":
        rows = lvlh_rows(r, v)
    else:  # enu
        up = g2i @ r / np.linalg.norm(r)
        east = np.cross([0.0, 0.0, 1.0], up)
        east /= np.linalg.norm(east)
        rows = np.stack([east, np.cross(up, east), up]) @ g2i
    return origin, rows


def one_sided_derivatives(f, s, h):
    """Second-order one-sided estimates of f'(s) from the left and from the right. For a C1
    function smooth on each side they agree to O(h²); across a kink they differ by the kink."""
    fm2, fm1, f0, fp1, fp2 = (np.asarray(f(s + k * h), dtype=float) for k in (-2, -1, 0, 1, 2))
    left = (3 * f0 - 4 * fm1 + fm2) / (2 * h)
    right = (-3 * f0 + 4 * fp1 - fp2) / (2 * h)
    return left, right


def kink(f, s, h=1e-3):
    """|f'(s+) − f'(s−)| relative to |f'(s)| (or 1 where f' is smaller than 1)."""
    left, right = one_sided_derivatives(f, s, h)
    scale = max(1.0, float(np.linalg.norm(left)), float(np.linalg.norm(right)))
    return float(np.linalg.norm(right - left)) / scale



def context():
    """A StoryContext of the synthetic scene: lift-off at the real instant, a few events
    (one modelled), the two spacecraft alive throughout, a window of two weeks."""
    import datetime as dt

    from orbitviz.core.story.context import StoryContext, StoryEvent
    from orbitviz.core.timeaxis import TimeAxis

    axis = TimeAxis(dt.datetime(2021, 10, 5, 8, 55, 2, 442000, tzinfo=dt.timezone.utc))
    events = (StoryEvent("liftoff", "Lift-off", 0.0, "measured"),
              StoryEvent("booster-separation", "Booster separation", 118.0, "modelled"),
              StoryEvent("docking", "Docking to Rassvet", 12448.558, "measured"),
              StoryEvent("undocking", "Soyuz MS-18 undocks", 1002537.558, "measured"))
    life = {"sat": (-1800.0, 2e6), "station": (-1e6, 2e6)}
    return StoryContext(axis, events, life, (-1800.0, 1.1e6))
