"""What a clip should be: the clip dialog's first proposal and its presets, without Qt.

A presenter opening *Export clip* wants a short clip of what is on screen, not the whole
mission: :func:`default_clip` proposes about :data:`DEFAULT_VIDEO_S` seconds of video around
the current moment, at a rate that suits the phase shown (the whole phase in about half a
minute of video). :func:`clip_presets` offers the mission's three stories: lift-off to orbit,
the final approach, entry and landing, each at a rate chosen for its length. Rates come from
:data:`NICE_RATES` (mission seconds per second of video), so they read well ("60×").
Times are ``met_s``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The video a default clip lasts, seconds.
DEFAULT_VIDEO_S = 10.0
#: A whole phase plays in about this much video at the rate a default clip uses, seconds.
PHASE_VIDEO_S = 30.0
#: The video a preset lasts, about, seconds.
PRESET_VIDEO_S = 20.0
#: Playback rates offered, mission seconds per second of video.
NICE_RATES = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0,
              3600.0, 7200.0, 14400.0, 28800.0, 43200.0, 86400.0, 172800.0)
#: A user object's "phase": one orbit of the station, seconds.
ORBIT_S = 5560.0


@dataclass(frozen=True)
class ClipPlan:
    """A clip proposal: ``label`` for the dialog, mission times ``t0_s`` … ``t1_s`` and
    the ``rate`` (mission seconds per second of video)."""

    label: str
    t0_s: float
    t1_s: float
    rate: float

    @property
    def video_s(self) -> float:
        return (self.t1_s - self.t0_s) / self.rate


def nice_rate(raw: float) -> float:
    """The smallest rate of :data:`NICE_RATES` at or above ``raw`` (the largest if none)."""
    for r in NICE_RATES:
        if r >= raw - 1e-9:
            return r
    return NICE_RATES[-1]


def rate_for(span_s: float, video_s: float) -> float:
    """A nice rate that plays ``span_s`` of mission time in about ``video_s`` of video (no
    longer than that)."""
    return nice_rate(max(span_s, 0.0) / max(video_s, 1e-9))


def _phase_span(viewer, met_s: float) -> tuple[float, float]:
    """The current phase of the selected mission object, or an orbit around now."""
    oid = viewer.selected
    if viewer.kind(oid) == "mission" and viewer.scenario == "mission":
        phases = viewer.phases(oid)
        ends = [t for t, _ in phases[1:]] + [viewer.lifetime(oid)[1]]
        for (start, _), end in zip(phases, ends):
            if start <= met_s <= end:
                return float(start), float(end)
    return met_s - 0.5 * ORBIT_S, met_s + 0.5 * ORBIT_S


def default_clip(viewer, met_s: float, video_s: float = DEFAULT_VIDEO_S) -> ClipPlan:
    """About ``video_s`` of video around ``met_s``: a quarter before it, the rest after, at
    the rate that plays the current phase in about :data:`PHASE_VIDEO_S` (at least 1×),
    kept inside the time window shown."""
    p0, p1 = _phase_span(viewer, met_s)
    rate = rate_for(p1 - p0, PHASE_VIDEO_S)
    length = video_s * rate
    w0, w1 = viewer.window
    t0 = max(w0, met_s - 0.25 * length)
    t1 = min(w1, t0 + length)
    t0 = max(w0, t1 - length)
    return ClipPlan("Around now", t0, t1, rate)


def clip_presets(mission) -> list[ClipPlan]:
    """The mission's three stories as clips, each about :data:`PRESET_VIDEO_S` of video:
    lift-off to orbit (from ten seconds before lift-off), the final approach (from two
    minutes before the Kurs failure to a minute after docking), entry and landing (from
    module separation to a minute after landing). Events the mission lacks leave their
    preset out."""
    ev = mission.scenario.event_times()
    spans = [("Lift-off to orbit", "liftoff", -10.0, "orbit-insertion", 5.0),
             ("The final approach", "kurs-failure", -120.0, "docking", 60.0),
             ("Entry and landing", "module-separation", 0.0, "landing", 60.0)]
    out = []
    for label, a, da, b, db in spans:
        if a in ev and b in ev:
            t0, t1 = ev[a] + da, ev[b] + db
            out.append(ClipPlan(label, t0, t1, rate_for(t1 - t0, PRESET_VIDEO_S)))
    return out


__all__ = ["ClipPlan", "default_clip", "clip_presets", "nice_rate", "rate_for",
           "NICE_RATES", "DEFAULT_VIDEO_S"]
