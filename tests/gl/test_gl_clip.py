"""Clips (``orbitviz.app.clip``): frame times, MP4 and PNG-sequence output, cancel and errors.

The pure parts (frame times, the atomic/cancel logic) are checked with a stand-in renderer that
paints plain colours: the clip writer is what is under test there, not the renderer. The real
clips go through the real ``Exporter`` (hidden GL viewport) and are read back with
imageio-ffmpeg's decoder, independent of the encoder path.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")

from orbitviz.app.clip import ClipCancelled, export_clip  # noqa: E402
from orbitviz.core.export_rules import ExportError, clip_frame_times  # noqa: E402

W, H = 320, 180


# -- helpers ----------------------------------------------------------------------------------------
from _video import decode  # noqa: E402  (tests/gl/_video.py)



def qimage_rgb(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    buf = np.frombuffer(img.constBits(), np.uint8, count=img.sizeInBytes())
    return buf.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3].reshape(
        img.height(), img.width(), 3).copy()


def blocks(a, n=4):
    """Means of n×n pixel blocks of an (H, W, 3) image, as float."""
    h, w, _ = a.shape
    return a[: h // n * n, : w // n * n].astype(float).reshape(h // n, n, w // n, n, 3).mean(
        axis=(1, 3))


class Spec:
    """The few fields of ``ExportSpec`` the clip writer reads (for the stand-in renderer)."""

    def __init__(self, size=(W, H), transparent=False, quality=92):
        self.size, self.transparent, self.quality = size, transparent, quality


class ColourRenderer:
    """Stand-in for ``Exporter``: a frame whose colour encodes its mission time, a white bar
    whose x position encodes it too, and an optional failure at one call."""

    def __init__(self, fail_at=None):
        self.calls = []
        self.fail_at = fail_at

    @staticmethod
    def colour(met):
        return (int(met) * 7 % 200 + 30, int(met) * 13 % 200 + 30, 120)

    def render(self, met_s, spec):
        from PySide6.QtGui import QColor, QImage

        self.calls.append(met_s)
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            raise RuntimeError("GL context lost\n(second line that must not reach the user)")
        w, h = spec.size
        img = QImage(w, h, QImage.Format.Format_ARGB32)
        img.fill(QColor(*self.colour(met_s)))
        return img


# -- frame times (pure) ----------------------------------------------------------------------------
def test_frame_times_are_exact():
    """Frame k at t0 + k·rate/fps for k = 0 … floor((t1−t0)·fps/rate): t1 is the last frame
    when it lies on the frame grid (issue 13's rule; it was a half-open span before)."""
    t = clip_frame_times(1000.0, 1120.0, 30, 60.0)   # 2 s of video and its last instant
    assert len(t) == 61
    assert t[0] == 1000.0 and t[-1] == 1120.0
    assert np.array_equal(np.diff(t), np.full(60, 2.0))

    # awkward numbers: compare every time with exact rational arithmetic
    t0, t1, fps, rate = -37.25, 5000.0, Fraction(30000, 1001), 7.3
    t = clip_frame_times(t0, t1, float(fps), rate)
    n = math.floor((Fraction(t1) - Fraction(t0)) / Fraction(rate) * fps) + 1
    assert len(t) == n == 20681
    exact = [Fraction(t0) + k * Fraction(rate) / fps for k in (0, 1, n // 2, n - 1)]
    got = [Fraction(float(t[k])) for k in (0, 1, n // 2, n - 1)]
    assert max(abs(float(a - b)) for a, b in zip(exact, got)) < 1e-9   # s, no drift
    assert t[0] == t0 and t1 - float(rate / fps) < t[-1] <= t1           # off the grid


def test_frame_counts_include_the_end_on_the_grid():
    assert len(clip_frame_times(0.0, 60.0 * 1.49 / 30, 30, 60.0)) == 2
    assert len(clip_frame_times(0.0, 60.0 * 2.0 / 30, 30, 60.0)) == 3
    assert len(clip_frame_times(0.0, 10.0, 25, 1.0)) == 251      # real time: 10 s and its end
    # a clip to an event ends on it: lift-off to orbit insertion at 60× and 30 fps
    t = clip_frame_times(0.0, 528.0, 30, 2.0)
    assert t[-1] == 528.0


@pytest.mark.parametrize("args, words", [
    ((100.0, 100.0, 30, 60.0), "after its start"),
    ((100.0, 50.0, 30, 60.0), "after its start"),
    ((0.0, 100.0, 0, 60.0), "frames per second"),
    ((0.0, 100.0, 30, -1.0), "rate"),
    ((0.0, math.nan, 30, 60.0), "finite"),
    ((0.0, 0.5, 30, 60.0), "shorter than one frame"),
    ((0.0, 30 * 86400.0, 30, 1.0), "frames"),
])
def test_bad_spans_are_refused_with_one_line(args, words):
    with pytest.raises(ExportError, match=words) as err:
        clip_frame_times(*args)
    assert "\n" not in str(err.value)


# -- writer logic with the stand-in renderer ----------------------------------------------------------
def test_mp4_frames_come_back_in_order_with_their_colours(tmp_path):
    r = ColourRenderer()
    done = []
    out = export_clip(r, 0.0, 20.0, tmp_path / "c.mp4", Spec(), fps=10, rate=2.0,
                      progress=lambda d, n: done.append((d, n)))
    assert out == tmp_path / "c.mp4" and sorted(p.name for p in tmp_path.iterdir()) == ["c.mp4"]
    assert r.calls == [0.2 * k for k in range(101)] or np.allclose(r.calls, np.arange(101) * 0.2,
                                                                   rtol=0, atol=1e-12)
    assert done == [(k, 101) for k in range(1, 102)]  # 0 … 20 s: the end is a frame
    meta, frames = decode(out)
    assert meta["size"] == (W, H) and len(frames) == 101
    assert abs(meta["fps"] - 10) < 1e-6
    assert "bt709" in meta["pix_fmt"] and "yuv420p" in meta["pix_fmt"]
    for k in (0, 37, 99):   # colours survive BT.709 4:2:0 encoding within a few levels
        want = np.array(ColourRenderer.colour(r.calls[k]), float)
        got = frames[k][H // 4:3 * H // 4, W // 4:3 * W // 4].reshape(-1, 3).mean(axis=0)
        assert np.abs(got - want).max() < 4, (k, got, want)


def test_existing_mp4_is_replaced_only_when_the_new_one_is_complete(tmp_path):
    target = tmp_path / "c.mp4"
    target.write_bytes(b"old video")
    with pytest.raises(ExportError, match="frame 4 of 11: RuntimeError: GL context lost$"):
        export_clip(ColourRenderer(fail_at=4), 0.0, 10.0, target, Spec(), fps=10, rate=10.0)
    assert target.read_bytes() == b"old video"                     # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["c.mp4"]       # no temporary left
    export_clip(ColourRenderer(), 0.0, 10.0, target, Spec(), fps=10, rate=10.0)
    assert len(decode(target)[1]) == 11


@pytest.mark.parametrize("out", ["c.mp4", "seq/"])
def test_interrupt_leaves_nothing_behind(tmp_path, out):
    """Ctrl-C (and the CLI's SIGTERM, raised as KeyboardInterrupt) mid-clip: cleaned up, and
    the interrupt itself goes through, not turned into an ExportError."""
    class Interrupted(ColourRenderer):
        def render(self, met_s, spec):
            if len(self.calls) == 3:
                raise KeyboardInterrupt
            return super().render(met_s, spec)

    with pytest.raises(KeyboardInterrupt):
        export_clip(Interrupted(), 0.0, 100.0, f"{tmp_path}/{out}", Spec(), fps=10, rate=10.0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["c.mp4", "seq/"])
def test_cancel_leaves_nothing_behind(tmp_path, out):
    r = ColourRenderer()
    done = []
    with pytest.raises(ClipCancelled):
        export_clip(r, 0.0, 100.0, f"{tmp_path}/{out}", Spec(), fps=10, rate=10.0,
                    progress=lambda d, n: done.append(d), cancelled=lambda: len(done) >= 3)
    assert len(r.calls) == 3 and done == [1, 2, 3]   # polled between frames, stopped at once
    assert list(tmp_path.iterdir()) == []


def test_png_sequence_into_new_empty_or_old_sequence_folder(tmp_path):
    from PySide6.QtGui import QImage

    names = [f"frame_{k:05d}.png" for k in range(6)]
    out = export_clip(ColourRenderer(), 0.0, 5.0, f"{tmp_path}/seq/", Spec(), fps=5, rate=5.0)
    assert out == tmp_path / "seq" and sorted(p.name for p in out.iterdir()) == names
    assert [p.name for p in tmp_path.iterdir()] == ["seq"]
    img = QImage(str(out / "frame_00003.png"))
    assert (img.width(), img.height()) == (W, H)
    assert tuple(qimage_rgb(img)[5, 5]) == ColourRenderer.colour(3.0)   # PNG is lossless

    # an earlier sequence is replaced as a whole (fewer frames now: no stale frame_00004)
    export_clip(ColourRenderer(), 10.0, 13.0, tmp_path / "seq", Spec(), fps=5, rate=5.0)
    assert sorted(p.name for p in (tmp_path / "seq").iterdir()) == names[:4]
    assert tuple(qimage_rgb(QImage(str(tmp_path / "seq" / names[0])))[0, 0]) == \
        ColourRenderer.colour(10.0)

    (tmp_path / "empty").mkdir()
    export_clip(ColourRenderer(), 0.0, 2.0, tmp_path / "empty", Spec(), fps=5, rate=5.0)
    assert len(list((tmp_path / "empty").iterdir())) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "seq"]


def test_folder_with_other_files_is_refused_and_untouched(tmp_path):
    (tmp_path / "talk").mkdir()
    (tmp_path / "talk" / "slides.pptx").write_bytes(b"precious")
    r = ColourRenderer()
    with pytest.raises(ExportError, match="holds other files"):
        export_clip(r, 0.0, 2.0, tmp_path / "talk", Spec(), fps=5, rate=5.0)
    assert r.calls == []
    assert [p.name for p in (tmp_path / "talk").iterdir()] == ["slides.pptx"]
    assert [p.name for p in tmp_path.iterdir()] == ["talk"]


@pytest.mark.parametrize("out, spec, words", [
    ("c.avi", Spec(), "cannot tell the clip format"),
    ("c.mp4", Spec(transparent=True), "cannot be transparent"),
    ("missing/c.mp4", Spec(), "does not exist"),
])
def test_bad_targets_are_refused_before_rendering(tmp_path, out, spec, words):
    r = ColourRenderer()
    with pytest.raises(ExportError, match=words):
        export_clip(r, 0.0, 2.0, tmp_path / out, spec, fps=5, rate=5.0)
    assert r.calls == [] and list(tmp_path.iterdir()) == []


def test_odd_size_mp4_is_padded_to_even_by_repeating_the_edge(tmp_path):
    """H.264 4:2:0 needs even sizes: 321×181 becomes 322×182, the picture not rescaled."""
    class Bars(ColourRenderer):
        def render(self, met_s, spec):
            from PySide6.QtGui import QColor, QPainter

            img = super().render(met_s, spec)
            p = QPainter(img)
            p.fillRect(spec.size[0] - 40, 0, 40, spec.size[1], QColor(240, 240, 240))
            p.end()
            return img

    out = export_clip(Bars(), 0.0, 1.0, tmp_path / "odd.mp4", Spec(size=(321, 181)), fps=5,
                      rate=1.0)
    meta, frames = decode(out)
    assert meta["size"] == (322, 182) and len(frames) == 6
    f = frames[2].astype(float)
    assert f[:, -3:].mean() > 225            # the white bar reaches the padded edge
    assert abs(f[:, 286:316].mean() - 240) < 4    # and is where it was drawn (no rescale)
    assert abs(f[:, 270:278].mean() - 240) > 60   # left of the bar: the background
    # PNG sequences keep the exact odd size
    seq = export_clip(Bars(), 0.0, 0.4, f"{tmp_path}/odd/", Spec(size=(321, 181)), fps=5,
                      rate=1.0)
    from PySide6.QtGui import QImage

    img = QImage(str(seq / "frame_00001.png"))
    assert (img.width(), img.height()) == (321, 181)


# -- real clips through the real export engine ---------------------------------------------------------
T0 = 2 * 3600.0          # T+2 h: both spacecraft in orbit, the Earth turning under them
RATE = 1800.0            # half an hour of mission a second: the Earth turns 15° in this clip


@pytest.fixture(scope="module")
def exporter():
    export = pytest.importorskip("orbitviz.app.export")
    if not hasattr(export, "Exporter"):
        pytest.skip("orbitviz.app.export has no Exporter yet")
    from orbitviz.core.mission import MissionModel

    ex = export.Exporter(MissionModel.build())
    yield ex
    ex.close()


def real_spec(size=(W, H)):
    from orbitviz.core.export_rules import ExportSpec

    return ExportSpec(size=size, view="earth", frame="inertial", caption="none", credit=False)


def test_two_second_clip_has_sixty_moving_frames(exporter, tmp_path, qapp):
    spec = real_spec()
    out = export_clip(exporter, T0, T0 + 2 * RATE, tmp_path / "two.mp4", spec, fps=30, rate=RATE)
    meta, frames = decode(out)
    # 60 frames of motion and the end instant
    assert len(frames) == 61 and meta["size"] == (W, H) and abs(meta["fps"] - 30) < 1e-6
    assert abs(meta["duration"] - 61 / 30) < 0.05                   # s of video
    for f in (frames[0], frames[30], frames[59]):
        assert f.mean() > 12 and f.max() > 150          # a lit Earth, not a black frame
        assert (f.reshape(-1, 3).std(axis=0) > 10).all()   # a picture, not a flat fill
    # the scene moves: consecutive frames differ a little, the ends a lot
    step = np.abs(frames[1].astype(int) - frames[0]).mean()
    ends = np.abs(frames[59].astype(int) - frames[0]).mean()
    assert step > 0.05 and ends > 4 * step
    # each frame is the render at its own time: the decoded last frame matches a fresh render
    # at t0 + 59·rate/fps far better than one at t0. Compared in 4×4 blocks, which average
    # out the encoder's noise on stars and grid lines but keep the scene's motion
    # (measured: 1.2 levels against the right render, 6.4 against the wrong one).
    times = clip_frame_times(T0, T0 + 2 * RATE, 30, RATE)
    first = blocks(qimage_rgb(exporter.render(times[0], spec)))
    last = blocks(qimage_rgb(exporter.render(times[59], spec)))
    assert np.abs(blocks(frames[0]) - first).mean() < 2.5          # encoding loss only
    assert np.abs(blocks(frames[59]) - last).mean() < 2.5
    assert np.abs(blocks(frames[59]) - first).mean() > 3 * np.abs(blocks(frames[59]) - last).mean()


def test_png_sequence_of_real_frames(exporter, tmp_path, qapp):
    from PySide6.QtGui import QImage

    spec = real_spec()
    done = []
    out = export_clip(exporter, T0, T0 + 4 * 60.0, f"{tmp_path}/frames/", spec, fps=4,
                      rate=240.0, progress=lambda d, n: done.append((d, n)))
    assert done == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert sorted(p.name for p in out.iterdir()) == [f"frame_{k:05d}.png" for k in range(5)]
    assert [p.name for p in tmp_path.iterdir()] == ["frames"]
    img = QImage(str(out / "frame_00002.png"))
    assert (img.width(), img.height()) == (W, H)
    got = qimage_rgb(img).astype(int)
    want = qimage_rgb(exporter.render(T0 + 2 * 60.0, spec)).astype(int)   # k·rate/fps = 120 s
    assert got.mean() > 12 and np.abs(got - want).mean() < 0.5       # lossless, same instant


@pytest.mark.parametrize("out", ["c.mp4", "seq/"])
def test_cancelled_real_clip_leaves_nothing(exporter, tmp_path, qapp, out):
    done = []
    with pytest.raises(ClipCancelled):
        export_clip(exporter, T0, T0 + 2 * RATE, f"{tmp_path}/{out}", real_spec(), fps=30,
                    rate=RATE, progress=lambda d, n: done.append(d),
                    cancelled=lambda: len(done) >= 4)
    assert done == [1, 2, 3, 4]
    assert list(tmp_path.iterdir()) == []           # no file, no temporary, no folder


def test_odd_sized_real_clip(exporter, tmp_path, qapp):
    out = export_clip(exporter, T0, T0 + 3 * 60.0, tmp_path / "odd.mp4", real_spec((321, 181)),
                      fps=3, rate=60.0)
    meta, frames = decode(out)
    assert meta["size"] == (322, 182) and len(frames) == 10
    f = frames[4].astype(int)
    assert f.mean() > 12
    assert np.abs(f[:, -1] - f[:, -2]).mean() < 3 and np.abs(f[-1] - f[-2]).mean() < 3


def test_span_outside_the_mission_is_refused_before_rendering(exporter, tmp_path, qapp):
    w0, w1 = exporter.model.window
    for t0, t1 in ((w1 - 60.0, w1 + 600.0), (w0 - 600.0, w0 + 60.0)):
        with pytest.raises(ExportError, match="outside the display window"):
            export_clip(exporter, t0, t1, tmp_path / "c.mp4", real_spec(), fps=30, rate=60.0)
    assert list(tmp_path.iterdir()) == []


def test_transparent_png_sequence_keeps_alpha(exporter, tmp_path, qapp):
    from orbitviz.core.export_rules import ExportSpec
    from PySide6.QtGui import QImage

    spec = ExportSpec(size=(W, H), view="earth", frame="inertial", caption="none",
                      credit=False, transparent=True)
    out = export_clip(exporter, T0, T0 + 120.0, f"{tmp_path}/alpha/", spec, fps=1, rate=60.0)
    img = QImage(str(out / "frame_00001.png"))
    assert img.hasAlphaChannel()
    assert img.pixelColor(3, 3).alpha() == 0                  # space: see-through
    assert img.pixelColor(W // 2, H // 2).alpha() == 255      # the Earth: opaque
