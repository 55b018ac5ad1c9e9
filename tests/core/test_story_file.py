"""The story file: a valid story reads back what it says; every malformed one names the
file and the line at fault, in one line; TIME must name the day."""

import datetime as dt

import pytest

from orbitviz.core.mission import MissionModel
from orbitviz.core.story import StoryContext, StoryError, load_story, parse_story
from orbitviz.core.story.tomlpos import key_lines
from orbitviz.core.viewstate import LAYERS


@pytest.fixture(scope="module")
def mission():
    return MissionModel.build()


@pytest.fixture(scope="module")
def ctx(mission):
    return StoryContext.from_mission(mission, saved_shots=["Docking", "Lift-off"])


# Line numbers matter: the table below names them.
BASE = """\
[story]
title = "A test film"
fps = 30

[defaults]
dissolve_s = 1
layers = { grid = false }

[[shots]]
name = "Pad"
start = "T-10"
end = "T+300"
duration_s = 12
camera = "baikonur"
ease = [
  { at = "liftoff", rate = 1, before_s = 2, after_s = 3 },
  { at = "booster-separation", rate = 2 },
]

[[shots]]
name = "Approach"
start = "kurs-failure"
end = "2021-10-05T12:23:00Z"
duration_s = 10
frame = "inertial"
title = "Docking"

[[shots.keyframes]]
video_s = 0
target = "iss"
position_km = [0.4, 0.6, -0.2]

[[shots.keyframes]]
video_s = 10
target = "soyuz-ms-19"
axes = "enu"
position_km = [0.1, 0.2, 0.05]
look_at_km = [0.0, 0.0, 0.0]
up = [0, 0, 1]
fov_deg = 20
"""
L = {line.strip(): n for n, line in enumerate(BASE.splitlines(), 1) if line.strip()}


def _edit(old, new, count=1):
    assert BASE.count(old) >= count, old
    return BASE.replace(old, new, count)


def test_the_base_story_reads_back_what_it_says(ctx, mission):
    story = parse_story(BASE, ctx, "story.toml", "story")
    ev = mission.scenario.event_times()
    assert story.title == "A test film" and story.fps == 30 and story.size == (1920, 1080)
    pad, approach = story.shots
    assert (pad.name, pad.line, pad.start_s, pad.end_s) == ("Pad", 9, -10.0, 300.0)
    assert pad.ramp.kind == "eased" and pad.camera.preset == "baikonur"
    assert [p.met_s for p in pad.ramp.points] == [ev["liftoff"], ev["booster-separation"]]
    assert pad.dissolve_s == 1.0 and approach.dissolve_s == 0.0  # the last shot: no dissolve
    assert approach.start_s == ev["kurs-failure"] and approach.frame == "inertial"
    assert approach.end_s == mission.axis.met_from_datetime(
        dt.datetime(2021, 10, 5, 12, 23, tzinfo=dt.timezone.utc))
    assert pad.layers["grid"] is False and set(pad.layers) == set(LAYERS)
    assert sum(pad.layers.values()) == len(LAYERS) - 1
    k0, k1 = approach.camera.path.keyframes
    assert (k0.target, k0.axes, k0.up) == ("iss", "lvlh", (0.0, 0.0, -1.0))  # the defaults
    assert (k1.axes, k1.fov_deg, k1.up) == ("enu", 20.0, (0.0, 0.0, 1.0))
    assert approach.text.title == "Docking" and approach.text.title_to_s == 10.0
    assert story.duration_s == 12 + 10 - 1


# (what to change, by what, the line the message must name, words it must contain)
BAD = [
    ('duration_s = 12', 'duration_s = "ten"', 13,
     'duration_s must be a number of seconds, not "ten"'),
    ('duration_s = 12', 'duration_s = -3', 13, "duration_s must be more than 0 seconds, not -3"),
    ('duration_s = 12', 'duration_s = 0', 13, "more than 0 seconds"),
    ('duration_s = 12', 'durations_s = 12', 13, "unknown key 'durations_s' in shot 1 (did you "
                                                "mean duration_s?)"),
    ('end = "T+300"', 'end = "dockng"', 12, 'unknown event id "dockng" (did you mean docking?)'),
    ('start = "T-10"', 'start = "12:22"', 11, '"12:22" does not name the day'),
    ('start = "T-10"', 'start = "12:22:31Z"', 11, "does not name the day"),
    ('start = "T-10"', 'start = 08:55:00', 11, "clock time that does not name the day"),
    ('start = "T-10"', 'start = "now"', 11, "another moment every time"),
    ('start = "T-10"', 'start = "Tuesday"', 11, 'start = "Tuesday" is not a TIME: write ISO '
                                                '8601 UTC'),
    ('start = "T-10"', 'start = 10', 11, "start must be a TIME"),
    ('start = "T-10"', 'start = "2021-09-01T00:00:00Z"', 11, "outside the mission's display "
                                                             "window"),
    ('start = "T-10"', 'start = "T+400"', 12, "end (T+00:05:00) is before start (T+00:06:40)"),
    ('end = "T+300"', 'rate = 20', 12, "an eased ramp solves its own rate: give end instead "
                                       "of rate"),
    ('end = "2021-10-05T12:23:00Z"', 'rate = 2', None, None),  # a linear shot: rate is fine
    ('camera = "baikonur"', 'camera = "orbit"', 14, 'unknown camera preset "orbit"'),
    ('camera = "baikonur"', 'camera = "follow:hubble"', 14, 'unknown object "hubble"'),
    ('camera = "baikonur"', 'camera = "follow:soyuz-ms-18"', 14, None),  # exists: fine
    ('camera = "baikonur"', 'saved_shot = "Nowhere"', 14, 'no saved shot named "Nowhere"'),
    ('camera = "baikonur"', '', 9, "shot 1 (\"Pad\") has no camera"),
    ('camera = "baikonur"', 'camera = "earth"\nsaved_shot = "Docking"', 15,
     "give one camera: camera or saved_shot, not both"),
    ('  { at = "booster-separation", rate = 2 },', '  { at = "docking", rate = 2 },', 17,
     "outside the shot"),
    ('  { at = "booster-separation", rate = 2 },', '  { rate = 2 },', 17,
     "an ease entry lacks at = TIME"),
    ('  { at = "booster-separation", rate = 2 },', '  { at = "booster-separation", rat = 2 },',
     17, "unknown key 'rat' in an ease entry (did you mean rate?)"),
    ('{ at = "liftoff", rate = 1, before_s = 2, after_s = 3 }',
     '{ at = "liftoff", rate = 1, before_s = 9, after_s = 9 }', 13, "too short for the eased "
                                                                    "events"),
    ('dissolve_s = 1', 'dissolve_s = 11', 6, "dissolve_s = 11 is longer than shot 2 "
                                             "(\"Approach\", 10 s)"),
    ('dissolve_s = 1', 'dissolve_s = -1', 6, "dissolve_s cannot be negative"),
    ('title = "Docking"', 'title = "Docking"\ndissolve_s = 1', 27,
     "the last shot has no next shot to dissolve into"),
    ('layers = { grid = false }', 'layers = { gird = false }', 7, "unknown layer 'gird' (did "
                                                                  "you mean grid?)"),
    ('layers = { grid = false }', 'layers = { grid = "no" }', 7, "must be true or false"),
    ('frame = "inertial"', 'frame = "ecliptic"', 25, 'frame must be earth-fixed or inertial, '
                                                     'not "ecliptic"'),
    ('fps = 30', 'fps = 29.97', 3, "fps must be a whole number"),
    ('fps = 30', 'fps = 0', 3, "fps must be a whole number"),
    ('fps = 30', 'fps = 30\nsize = "big"', 4, "size must be WIDTHxHEIGHT"),
    ('title = "A test film"', 'titel = "A test film"', 2, "unknown key 'titel' in [story] (did "
                                                          "you mean title?)"),
    ('title = "A test film"', 'title = ""', 2, "title cannot be empty"),
    ('target = "iss"', '', 28, "a keyframe lacks target"),
    ('target = "iss"', 'target = "hubble"', 30, 'unknown object "hubble" in target'),
    ('target = "iss"', 'target = "soyuz-ms-18"\naxes = "lvlh"', 30, None),  # docked: exists
    ('target = "iss"', 'target = "earth"\naxes = "lvlh"', 31, "the Earth has no lvlh axes"),
    ('target = "iss"', 'target = "iss"\naxes = "body"', 31,
     'axes must be lvlh, enu, earth-fixed or inertial, not "body"'),
    ('position_km = [0.4, 0.6, -0.2]', 'position_km = [0.4, 0.6]', 31, "position_km must be "
                                                                       "three numbers"),
    ('position_km = [0.1, 0.2, 0.05]', 'position_km = [0.0, 0.0, 0.0]', 37,
     "the camera is on the point it looks at"),
    ('up = [0, 0, 1]', 'up = [0.1, 0.2, 0.05]', 39, "up points along the line of sight"),
    ('fov_deg = 20', 'fov_deg = 200', 40, "fov_deg must be from 0.5 to 170 degrees, not 200"),
    ('video_s = 10', 'video_s = 12', 34, "video_s = 12 is after the shot's end (10 s)"),
    ('video_s = 10', 'video_s = 0', 34, "keyframes must go forward in video time"),
    ('video_s = 0', 'videos = 0', 29, "unknown key 'videos' in a keyframe (did you mean "
                                      "video_s?)"),
    ('name = "Approach"', 'name = "pad"', 21, 'shot name "pad" is also shot 1\'s'),
    ('title = "Docking"', 'title = "Docking"\ntitle_s = [2, 11]', 27, "title_s must lie within"),
    ('title = "Docking"', 'title_s = 3', 26, "title_s without a title"),
    ('start = "kurs-failure"', 'at = "kurs-failure"\nstart = "kurs-failure"', 23,
     "at = TIME holds time still: leave out start"),
    ('end = "T+300"', 'end = "T+300"\nrate = 10', 13, "give end or rate, not both"),
    ('end = "T+300"', 'end = "T+300"\nramp = "hold"', 16, 'ease is for ramp = "eased", not '
                                                         '"hold"'),
    ('end = "2021-10-05T12:23:00Z"', 'end = "2021-10-05T12:23:00Z"\nramp = "hold"', 24,
     'ramp = "hold" keeps time still: give at = TIME'),
    ('end = "T+300"', 'end = "T+300"\nramp = "smooth"', 13,
     'ramp must be linear, hold or eased, not "smooth"'),
    ('end = "2021-10-05T12:23:00Z"', 'end = "2021-10-05T12:23:00Z"\nease = []', 24,
     "ease must be a list"),
    ('end = "2021-10-05T12:23:00Z"', 'end = "2021-10-05T12:23:00Z"\nease_s = 0.3', 24,
     'ease_s is for ramp = "eased", not "linear"'),
    ('end = "2021-10-05T12:23:00Z"', 'end = "2021-10-05T12:23:00Z"\nramp = "eased"', 24,
     "ramp = \"eased\" needs ease"),
    ('start = "kurs-failure"', 'start = "undocking"', 23,
     "end (T+03:27:58) is before start (T+11.16:18:58)"),
    ('start = "kurs-failure"', '', 20, 'shot 2 ("Approach") lacks start'),
    ('duration_s = 10\n', '', 20, 'shot 2 ("Approach") lacks duration_s'),
]


@pytest.mark.parametrize("old, new, line, words", BAD,
                         ids=[f"{i:02d}-{w or 'fine'}"[:60] for i, (_, _, _, w) in enumerate(BAD)])
def test_a_malformed_story_names_file_and_line(ctx, old, new, line, words):
    text = _edit(old, new)
    if words is None:
        parse_story(text, ctx, "story.toml")  # a change that is fine
        return
    with pytest.raises(StoryError) as e:
        parse_story(text, ctx, "story.toml")
    msg = str(e.value)
    assert msg.startswith(f"story.toml:{line}: "), msg
    assert words in msg, msg
    assert "\n" not in msg and (e.value.source, e.value.line) == ("story.toml", line)


def test_the_brief_s_example_message_verbatim(ctx):
    with pytest.raises(StoryError) as e:
        parse_story(_edit('duration_s = 12', 'duration_s = "ten"'), ctx, "story.toml")
    assert str(e.value) == 'story.toml:13: duration_s must be a number of seconds, not "ten"'


@pytest.mark.parametrize("text, line, words", [
    ('[story]\ntitle = "x"\n[[shots]]\nduration_s = \nname = "a"\n', 4, "TOML syntax: invalid "
                                                                         "value"),
    ('[story]\ntitle = "x\n', 2, "TOML syntax"),
    ('[story]\ntitle = "x"\ndescription = """never\nclosed\n\n', 4, "TOML syntax: unterminated "
                                                                     "string"),
    ('[story]\ntitle = "x"\n[story]\n', 3, "TOML syntax: cannot declare"),
    ('title = "x"\n', 1, "unknown key 'title' in the story file"),
    ('[story]\ntitle = "x"\n', 1, "the story has no shots"),
    ('[story]\ntitle = "x"\n[shots]\nname = "a"\n', 3, "shots must be written as [[shots]]"),
    ('[defaults]\nframe = "inertial"\n', 1, "lacks its [story] table"),
    ('[story]\ntitle = "x"\n[defaults]\nframe = "ecliptic"\n[[shots]]\nat = "docking"\n'
     'duration_s = 2\ncamera = "earth"\n', 4, "frame must be earth-fixed or inertial"),
    ('[story]\ntitle = "x"\n[[shots]]\nat = 2021-10-05T12:22:31Z\nduration_s = 2\n'
     'camera = "earth"\n[[shots]]\nat = 2021-10-05\nduration_s = 2\ncamera = "earth"\n', 8,
     "outside the mission's display window"),
])
def test_syntax_and_structure_errors_name_the_line(ctx, text, line, words):
    with pytest.raises(StoryError) as e:
        parse_story(text, ctx, "s.toml")
    assert str(e.value).startswith(f"s.toml:{line}: ") and words in str(e.value), str(e.value)


def test_overlapping_dissolves_are_refused(ctx):
    text = ('[story]\ntitle = "x"\n[defaults]\ndissolve_s = 3\n'
            + '[[shots]]\nat = "docking"\nduration_s = 5\ncamera = "earth"\n' * 3)
    with pytest.raises(StoryError, match=r"s.toml:4: the dissolves into and out of shot 2 "
                                         r"\(\"Shot 2\"\) overlap: 3 s \+ 3 s is more than "
                                         r"its 5 s"):
        parse_story(text, ctx, "s.toml")


def test_toml_date_times_name_the_day_and_are_accepted(ctx, mission):
    text = ('[story]\ntitle = "x"\n[[shots]]\nat = 2021-10-05T12:22:31Z\nduration_s = 2\n'
            'camera = "rendezvous"\n')
    story = parse_story(text, ctx, "s.toml")
    assert story.shots[0].start_s == mission.scenario.event_times()["docking"]


def test_times_in_every_form_that_names_the_day(ctx, mission):
    ev = mission.scenario.event_times()
    for when, met in (("docking", ev["docking"]), ("T+12448.558", 12448.558),
                      ("T+03:27:28.558", 12448.558), ("2021-10-05T12:22:31Z", ev["docking"]),
                      ("2021-10-05T15:22:31+03:00", ev["docking"])):
        text = f'[story]\ntitle = "x"\n[[shots]]\nat = "{when}"\nduration_s = 2\ncamera = "earth"\n'
        assert parse_story(text, ctx).shots[0].start_s == pytest.approx(met, abs=1e-6), when


def test_load_story_reads_files_and_names_them(ctx, tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text(BASE, encoding="utf-8")
    story = load_story(p, ctx)
    assert story.name == "mine" and story.source == str(p)
    p.write_text(_edit('fov_deg = 20', 'fov_deg = "wide"'), encoding="utf-8")
    with pytest.raises(StoryError, match=rf"^{p}:40: fov_deg must be a number of degrees"):
        load_story(p, ctx)
    with pytest.raises(StoryError, match="no such story file"):
        load_story(tmp_path / "none.toml", ctx)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe[story]")
    with pytest.raises(StoryError, match="is not UTF-8 text"):
        load_story(tmp_path / "bin.toml", ctx)
    with pytest.raises(StoryError, match="is a folder"):
        load_story(tmp_path, ctx)


def test_key_lines_finds_keys_tables_and_elements():
    text = ('# c\n[story]\ntitle = "a # b"  # note\ndesc = """x [[shots]]\ny""""\n'
            '[defaults]\nlayers = { grid = false, "track:iss" = true }\n\n[[shots]]\n'
            "name = 'one'\nease = [\n  { at = \"liftoff\" },  # hi\n  { at = 'docking',"
            ' rate = 2 },\n  [1, [2,\n   3]],\n]\na.b = 1979-05-27 07:32:00\n[[shots.keyframes]]\n'
            'video_s = 0\n[[shots]]\n[[shots.keyframes]]\n[[shots.keyframes]]\ntarget = "x"\n')
    pos = key_lines(text)
    want = {("story",): 2, ("story", "title"): 3, ("story", "desc"): 4, ("defaults",): 6,
            ("defaults", "layers", "grid"): 7, ("defaults", "layers", "track:iss"): 7,
            ("shots", 0): 9, ("shots", 0, "name"): 10, ("shots", 0, "ease"): 11,
            ("shots", 0, "ease", 0, "at"): 12, ("shots", 0, "ease", 1, "rate"): 13,
            ("shots", 0, "ease", 2, 1, 1): 15, ("shots", 0, "a", "b"): 17,
            ("shots", 0, "keyframes", 0): 18, ("shots", 0, "keyframes", 0, "video_s"): 19,
            ("shots", 1): 20, ("shots", 1, "keyframes", 1): 22,
            ("shots", 1, "keyframes", 1, "target"): 23}
    assert {k: pos.line(k) for k in want} == want
    assert pos.line(("shots", 1, "keyframes", 1, "target", "deeper")) == 23
    assert pos.line(("nothing",)) == 1


def test_the_readme_documents_every_key_and_its_example_loads(ctx):
    from pathlib import Path

    from orbitviz.core.story.load import (DEFAULT_KEYS, EASE_KEYS, KEYFRAME_KEYS, SHOT_KEYS,
                                          STORY_KEYS)

    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index("## Films: the story file")
    section = text[start:text.index("\n## ", start + 10)]
    keys = {*STORY_KEYS, *DEFAULT_KEYS, *SHOT_KEYS, *EASE_KEYS, *KEYFRAME_KEYS} - {"keyframes"}
    for key in keys:
        assert f"`{key}`" in section or f"{key} =" in section, key
    assert "[[shots.keyframes]]" in section
    begin = section.index("```toml\n") + len("```toml\n")
    example = section[begin:section.index("```\n", begin)]
    story = parse_story(example, ctx, "README.md")
    assert [s.name for s in story.shots] == ["The chase", "Docking"]
    assert story.duration_s == pytest.approx(8 + 13 - 1)
