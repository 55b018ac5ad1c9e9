"""What the user is looking at, independent of any widget: layers, frame, camera preset,
selection, track span. Serialises to a plain dict (for settings and saved shots)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: Layer ids, in the order the Layers panel lists them.
LAYERS = ("earth", "night-lights", "atmosphere", "stars", "track:iss", "track:soyuz-ms-19",
          "track:soyuz-ms-18", "user-objects", "user-trails", "labels", "grid", "events")

FRAMES = ("earth-fixed", "inertial")
CAMERA_PRESETS = ("earth", "baikonur", "follow:iss", "follow:soyuz-ms-19", "rendezvous",
                  "launch")

#: Default track span: one ISS orbit behind and one ahead, seconds.
ORBIT_S = 5560.0
#: Label sizes, as a factor of the labels' design size (18 px on a 1080-line picture).
LABEL_SIZES = {"small": 0.8, "medium": 1.0, "large": 1.35}


@dataclass
class ViewState:
    layers: dict = field(default_factory=lambda: {k: True for k in LAYERS})
    frame: str = "earth-fixed"
    camera: str = "earth"
    selected: str = "iss"
    track_behind_s: float = ORBIT_S
    track_ahead_s: float = ORBIT_S
    label_size: str = "medium"

    @property
    def label_scale(self) -> float:
        """The factor of :data:`LABEL_SIZES` for :attr:`label_size`."""
        return LABEL_SIZES.get(self.label_size, 1.0)

    def visible(self, layer: str) -> bool:
        return bool(self.layers.get(layer, True))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ViewState":
        """A view state from saved data; unknown or bad values fall back to defaults."""
        v = cls()
        if not isinstance(data, dict):
            return v
        layers = data.get("layers")
        if isinstance(layers, dict):
            for k in LAYERS:
                if isinstance(layers.get(k), bool):
                    v.layers[k] = layers[k]
        if data.get("frame") in FRAMES:
            v.frame = data["frame"]
        cam = data.get("camera")
        if cam in CAMERA_PRESETS or (isinstance(cam, str) and cam.startswith("follow:")
                                     and len(cam) > len("follow:")):
            v.camera = cam  # any followed object; the app falls back if it is unknown
        if isinstance(data.get("selected"), str):
            v.selected = data["selected"]
        if isinstance(data.get("label_size"), str) and data["label_size"] in LABEL_SIZES:
            v.label_size = data["label_size"]
        for key in ("track_behind_s", "track_ahead_s"):
            val = data.get(key)
            if isinstance(val, (int, float)) and 0 <= val <= 10 * 86400:
                setattr(v, key, float(val))
        return v
