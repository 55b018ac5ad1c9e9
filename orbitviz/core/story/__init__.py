"""Stories: a film of the mission described in a human-editable TOML file (no Qt, no GL).

:mod:`.ramp` — time ramps: how a shot's seconds of video map to the mission's seconds.
:mod:`.camera_path` — keyframed camera paths, C1 in video time.
"""
