"""Clips: a span of mission time rendered frame by frame through the still-export engine.

``export_clip(exporter, t0_s, t1_s, out, spec, fps, rate)`` plays mission time from ``t0_s``
to ``t1_s`` (seconds from lift-off, MET) at ``rate`` simulated seconds per second of video,
and writes either

* an **MP4** (``out`` ends in ``.mp4``): H.264 in ``yuv420p`` (BT.709, tagged so), encoded by
  imageio-ffmpeg's own bundled ffmpeg, which every player, browser and slide program opens; or
* a **PNG sequence** (``out`` is an existing folder or a path ending in ``/``):
  ``frame_00000.png``, ``frame_00001.png``, … (with alpha when ``spec.transparent``).

Frame times (:func:`~orbitviz.core.export_rules.clip_frame_times`): frame ``k`` shows MET
``t0 + k·rate/fps`` for ``k = 0 … floor((t1 − t0)·fps/rate)``: the first frame is exactly
``t0``, and ``t1`` is the last one when it falls on the frame grid (a clip to an event ends
on that event's frame).

Nothing partial is ever left behind. An MP4 is encoded into a hidden temporary file in the
target's folder, checked (frame count read back), then moved into place with ``os.replace``
(an existing file of that name is replaced). A PNG sequence is written into a hidden
temporary folder beside the target and renamed into place at the end; the target folder may
not exist yet, may be empty, or may hold only an earlier sequence's ``frame_*.png`` files
(replaced as a whole); a folder with anything else in it is refused, never mixed into. On
cancel (``cancelled()`` returns true, polled before each frame) or on any error, ffmpeg is
closed, the temporary file or folder is deleted, and :class:`ClipCancelled` or
:class:`~orbitviz.app.export.ExportError` (one line for the user) is raised.

Before anything is written the span, rate, target and spec are checked (with the exporter's
model: the first and last frame must lie in the mission's display window), so a bad request
fails at once, not after rendering half of it.

Sizes: ``spec.size`` is (width, height) in pixels. H.264 with 4:2:0 chroma needs an even width
and height, so an MP4 of an odd size is made one pixel wider and/or taller by repeating the
last rendered column/row (invisible; the picture is not rescaled). PNG sequences keep the
exact size.

Threading: call it on the thread that owns the exporter's GL context (the GUI thread in the
app). ``progress(done, total)`` is called after each frame; the app may process events there
to keep a progress dialog responsive and to let its Cancel button set what ``cancelled()``
reports.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from orbitviz.core.export_rules import ExportError, check_spec, check_time, clip_frame_times

#: x264 speed/size trade-off; ``veryfast`` encodes 1080p far faster than we render it.
X264_PRESET = "veryfast"

_FRAME_NAME = "frame_{:05d}.png"


class ClipCancelled(Exception):
    """The user cancelled the clip; nothing was written."""


def _kind(out) -> str:
    """``"mp4"`` or ``"png"`` (a folder) from the target; ExportError for anything else."""
    text = os.fspath(out)
    if text.endswith(("/", os.sep)) or Path(text).is_dir():
        return "png"
    if Path(text).suffix.lower() == ".mp4":
        return "mp4"
    raise ExportError(f"cannot tell the clip format from '{text}': give a .mp4 file, or a "
                      "folder (ending in /) for a PNG sequence")


def _hidden_sibling(target: Path, suffix: str) -> Path:
    """A fresh hidden name next to ``target`` (same folder, so renames stay atomic)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")


def _is_old_sequence(folder: Path) -> bool:
    """True when ``folder`` holds nothing but ``frame_NNNNN.png`` files (an earlier clip)."""
    for entry in folder.iterdir():
        name = entry.name
        if not (entry.is_file() and not entry.is_symlink() and name.startswith("frame_")
                and name.endswith(".png") and name[6:-4].isdigit()):
            return False
    return True


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _rgb_array(img, size: tuple[int, int]) -> np.ndarray:
    """An (H, W, 3) uint8 RGB copy of a QImage (alpha composited over black)."""
    from PySide6.QtGui import QImage

    w, h = size
    if (img.width(), img.height()) != (w, h):
        raise ExportError(f"the renderer gave a {img.width()}×{img.height()} frame, "
                          f"not {w}×{h}")
    rgb = img.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied).convertToFormat(
        QImage.Format.Format_RGB888)
    buf = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    return buf.reshape(h, rgb.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


# -- writers -----------------------------------------------------------------------------------------
class _Mp4Writer:
    """Frames into a hidden temporary MP4 beside ``target``; ``commit`` moves it into place."""

    def __init__(self, target: Path, size: tuple[int, int], fps: float, quality: float):
        import imageio_ffmpeg

        try:
            imageio_ffmpeg.get_ffmpeg_exe()
        except RuntimeError as exc:
            raise ExportError(f"no ffmpeg to encode the video: {_one_line(exc)}") from None
        self.target = target
        self.size = size
        # Even width and height for 4:2:0 chroma (see the module docstring).
        self.enc_size = (size[0] + size[0] % 2, size[1] + size[1] % 2)
        self.tmp = _hidden_sibling(target, ".part.mp4")
        self.frames = 0
        # Spec quality (JPEG-like, 0–100, default 92) to x264's constant rate factor
        # (0 lossless … 51 worst): 92 → 18, visually lossless; 100 → 15; 50 → 33.
        crf = int(min(51, max(0, round(51 - 0.36 * float(quality)))))
        # RGB → BT.709 limited-range YUV, and the stream tagged so: players then show the
        # rendered colours (untagged HD video is assumed BT.709; ffmpeg's default is 601).
        vf = ("scale=out_color_matrix=bt709:out_range=tv,"
              "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709")
        self._gen = imageio_ffmpeg.write_frames(
            str(self.tmp), self.enc_size, fps=fps, codec="libx264", pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p", quality=None,
            # The size is even already: a block size of 2 never makes imageio rescale.
            macro_block_size=2, ffmpeg_log_level="error",
            output_params=["-preset", X264_PRESET, "-crf", str(crf), "-vf", vf,
                           "-movflags", "+faststart"])
        self._gen.send(None)  # starts ffmpeg

    def add(self, img) -> None:
        rgb = _rgb_array(img, self.size)
        if self.enc_size != self.size:
            pad_y, pad_x = self.enc_size[1] - self.size[1], self.enc_size[0] - self.size[0]
            rgb = np.pad(rgb, ((0, pad_y), (0, pad_x), (0, 0)), mode="edge")
        try:
            self._gen.send(np.ascontiguousarray(rgb))
        except (OSError, StopIteration) as exc:
            raise ExportError(f"the video encoder (ffmpeg) stopped: {_one_line(exc)}") from None
        self.frames += 1

    def _close(self) -> None:
        gen, self._gen = self._gen, None
        if gen is not None:
            gen.close()  # ffmpeg finishes the file and exits

    def commit(self) -> Path:
        import imageio_ffmpeg

        self._close()
        # write_frames does not report ffmpeg's exit status: read the file back instead.
        try:
            n, _ = imageio_ffmpeg.count_frames_and_secs(str(self.tmp))
        except (RuntimeError, OSError) as exc:
            raise ExportError(f"the encoded video cannot be read back: {_one_line(exc)}") \
                from None
        if n != self.frames:
            raise ExportError(f"the encoded video has {n} frames, not {self.frames}")
        os.replace(self.tmp, self.target)
        return self.target

    def discard(self) -> None:
        try:
            self._close()
        finally:
            self.tmp.unlink(missing_ok=True)


class _PngWriter:
    """Numbered PNGs into a hidden temporary folder; ``commit`` renames it into place."""

    def __init__(self, target: Path, size: tuple[int, int], transparent: bool):
        self.transparent = bool(transparent)
        if target.is_symlink():
            raise ExportError(f"'{target}' is a link: give the folder itself")
        if target.exists() and not target.is_dir():
            raise ExportError(f"'{target}' is a file, not a folder for a PNG sequence")
        if target.is_dir() and not _is_old_sequence(target):
            raise ExportError(f"the folder '{target}' holds other files: choose an empty or "
                              "new folder for the PNG sequence")
        self.target = target
        self.size = size
        self.frames = 0
        while True:
            self.tmp = _hidden_sibling(target, ".part")
            try:
                self.tmp.mkdir()
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise ExportError(f"cannot write into '{target.parent}': "
                                  f"{exc.strerror or exc}") from None

    def add(self, img) -> None:
        w, h = self.size
        if (img.width(), img.height()) != (w, h):
            raise ExportError(f"the renderer gave a {img.width()}×{img.height()} frame, "
                              f"not {w}×{h}")
        from PySide6.QtGui import QImage, QImageWriter

        if not self.transparent:  # 3 bytes a pixel: smaller files, same picture
            img = img.convertToFormat(QImage.Format.Format_RGB888)
        path = self.tmp / _FRAME_NAME.format(self.frames)
        wr = QImageWriter(str(path), b"PNG")
        wr.setQuality(50)  # Qt maps 50 to a middle zlib level: fast, a few % larger
        if not wr.write(img):
            raise ExportError(f"cannot write {path.name}: {wr.errorString()}")
        self.frames += 1

    def commit(self) -> Path:
        old = None
        if self.target.is_dir():  # empty, or an earlier sequence (checked at the start)
            if not _is_old_sequence(self.target):
                raise ExportError(f"the folder '{self.target}' changed during the export and "
                                  "now holds other files")
            old = _hidden_sibling(self.target, ".old")
            os.rename(self.target, old)
        try:
            os.rename(self.tmp, self.target)
        except OSError:
            if old is not None:
                os.rename(old, self.target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


# -- the clip ----------------------------------------------------------------------------------------
def export_clip(exporter, t0_s: float, t1_s: float, out, spec, fps: float = 30,
                rate: float = 60.0, progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Path:
    """Render MET ``t0_s`` … ``t1_s`` (s) through ``exporter.render(met_s, spec)`` and write an
    MP4 (``out`` ends in ``.mp4``) or a PNG sequence (``out`` a folder, or ends in ``/``).

    ``fps``: frames per second of video; ``rate``: simulated seconds per video second (60: one
    minute of mission per second of video). Frame times: :func:`clip_frame_times`.
    ``progress(done, total)`` is called after each frame; ``cancelled()`` is polled before each
    frame. Returns the written path (absolute). Raises :class:`ClipCancelled` on cancel and
    :class:`ExportError` on bad input or any failure; either way nothing is left on disk.
    """
    times = clip_frame_times(t0_s, t1_s, fps, rate)
    kind = _kind(out)
    target = Path(os.path.abspath(os.fspath(out)))
    try:
        w, h = (int(v) for v in spec.size)
    except (TypeError, ValueError):
        raise ExportError(f"the clip size must be (width, height), not {spec.size!r}") from None
    if w < 2 or h < 2:
        raise ExportError(f"the clip size {w}×{h} is too small")
    if not target.parent.is_dir():
        raise ExportError(f"the folder '{target.parent}' does not exist")
    viewer = getattr(exporter, "viewer", None)
    if viewer is not None:  # refuse a bad spec or span now, not after rendering half of it
        check_spec(spec, viewer)
        check_time(viewer, float(times[0]))
        check_time(viewer, float(times[-1]))
    if kind == "mp4":
        if getattr(spec, "transparent", False):
            raise ExportError("an MP4 video cannot be transparent: export a PNG sequence "
                              "(a folder ending in /) for frames with alpha")
        if target.is_dir():
            raise ExportError(f"'{target}' is a folder, not a video file")
    try:
        if kind == "mp4":
            writer = _Mp4Writer(target, (w, h), fps, getattr(spec, "quality", 92) or 92)
        else:
            writer = _PngWriter(target, (w, h), getattr(spec, "transparent", False))
    except OSError as exc:  # ffmpeg cannot start, the folder is not writable, …
        raise ExportError(f"cannot start the clip: {_one_line(exc)}") from None

    total = len(times)
    try:
        for k, met in enumerate(times):
            if cancelled is not None and cancelled():
                raise ClipCancelled(f"clip cancelled after {k} of {total} frames")
            writer.add(exporter.render(float(met), spec))
            if progress is not None:
                progress(k + 1, total)
        return writer.commit()
    except (ClipCancelled, ExportError):
        writer.discard()
        raise
    except Exception as exc:
        writer.discard()
        where = (f"at frame {writer.frames + 1} of {total}" if writer.frames < total
                 else "while finishing the file")
        raise ExportError(f"the clip failed {where}: {_one_line(exc)}") from exc
    except BaseException:  # KeyboardInterrupt, SystemExit: clean up, then let it through
        writer.discard()
        raise
