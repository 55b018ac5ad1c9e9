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

Nothing partial is ever left behind. An MP4 is encoded into a temporary file in the target's
folder (:func:`~orbitviz.core.atomic_write.write_atomic`: the name pattern
``.orbitviz-<hex>-<name>.part.mp4``, locked while written), checked (frame count read back),
then renamed into place; a PNG sequence is written into a temporary folder of the same
pattern (:func:`~orbitviz.core.atomic_write.write_folder_atomic`) and swapped into place at
the end. The target folder may not exist yet, may be empty, or may hold only an earlier
sequence's ``frame_*.png`` files (replaced as a whole); a folder with anything else in it is
refused, never mixed into. After ``kill -9`` the next export into that folder removes the
dead clip's temporaries (by pattern, lock and age). On cancel (``cancelled()`` returns
true, polled before each frame, or the exporter's cancel token) or on any error, ffmpeg is
stopped, the temporary file or folder is deleted, and :class:`ClipCancelled`,
:class:`~orbitviz.core.cancel.Cancelled` or :class:`~orbitviz.app.export.ExportError` (one
line for the user; a full disk says so and names the path) is raised. A frame in which an
item failed to draw fails the clip (the exporter checks every pass).

ffmpeg (imageio-ffmpeg's bundled binary) runs as a child that dies with this process
(:func:`~orbitviz.core.childproc.popen_kwargs`), in a session of its own: ``kill -9`` of the
export no longer leaves an ffmpeg finishing a video nobody asked for.

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

import errno
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from orbitviz.core.atomic_write import (AtomicWriteError, TargetExistsError, write_atomic,
                                        write_folder_atomic)
from orbitviz.core.childproc import popen_kwargs
from orbitviz.core.export_rules import ExportError, check_spec, check_time, clip_frame_times

#: x264 speed/size trade-off; ``veryfast`` encodes 1080p far faster than we render it.
X264_PRESET = "veryfast"

_FRAME_NAME = "frame_{:05d}.png"
#: What ffmpeg says when the disk is full (its messages are strerror's).
_DISK_FULL = ("No space left on device", "Disk quota exceeded")


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


# -- ffmpeg ------------------------------------------------------------------------------------------
def _ffmpeg_exe() -> str:
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise ExportError(f"no ffmpeg to encode the video: {_one_line(exc)}") from None


def _ffmpeg_failure(log: str, what: str) -> Exception:
    """The error for ffmpeg's ``log`` (its stderr): a full disk as ``OSError(ENOSPC)``, which
    the atomic writer turns into "the disk is full: cannot write PATH"; else one line."""
    if any(words in log for words in _DISK_FULL):
        code = errno.ENOSPC if "No space" in log else errno.EDQUOT
        return OSError(code, os.strerror(code))
    lines = [ln.strip() for ln in log.splitlines() if ln.strip()]
    return ExportError(f"{what}: {lines[-1] if lines else 'ffmpeg gave no reason'}")


def count_frames(path) -> int:
    """The number of video frames in ``path`` (ffmpeg copies the stream to nowhere and
    counts; no decoding)."""
    cmd = [_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", os.fspath(path), "-map", "0:v:0",
           "-c", "copy", "-f", "null", "-"]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=600, **popen_kwargs())
    log = r.stderr.decode("utf-8", "replace")
    found = re.findall(r"frame=\s*(\d+)", log)
    if r.returncode != 0 or not found:
        raise ExportError("the encoded video cannot be read back: "
                          f"{(log.strip().splitlines() or ['no frames'])[-1]}")
    return int(found[-1])


class _Mp4Encoder:
    """Raw RGB frames into ffmpeg (H.264, ``yuv420p``, BT.709) writing ``path``."""

    def __init__(self, path: str, size: tuple[int, int], fps: float, quality: float):
        exe = _ffmpeg_exe()
        self.path = path
        self.size = size
        # Even width and height for 4:2:0 chroma (see the module docstring).
        self.enc_size = (size[0] + size[0] % 2, size[1] + size[1] % 2)
        self.frames = 0
        # Spec quality (JPEG-like, 0–100, default 92) to x264's constant rate factor
        # (0 lossless … 51 worst): 92 → 18, visually lossless; 100 → 15; 50 → 33.
        crf = int(min(51, max(0, round(51 - 0.36 * float(quality)))))
        # RGB → BT.709 limited-range YUV, and the stream tagged so: players then show the
        # rendered colours (untagged HD video is assumed BT.709; ffmpeg's default is 601).
        vf = ("scale=out_color_matrix=bt709:out_range=tv,"
              "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709")
        w, h = self.enc_size
        cmd = [exe, "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", f"{fps:g}",
               "-i", "pipe:0", "-an", "-c:v", "libx264", "-preset", X264_PRESET,
               "-crf", str(crf), "-vf", vf, "-pix_fmt", "yuv420p", "-r", f"{fps:g}",
               "-movflags", "+faststart", "-f", "mp4", path]
        self._log = tempfile.TemporaryFile()  # ffmpeg's messages (a pipe could fill up)
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=self._log,
                                         **popen_kwargs())
        except OSError as exc:
            self._log.close()
            raise ExportError(f"cannot start the video encoder (ffmpeg): "
                              f"{exc.strerror or exc}") from None

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def add(self, img) -> None:
        rgb = _rgb_array(img, self.size)
        if self.enc_size != self.size:
            pad_y, pad_x = self.enc_size[1] - self.size[1], self.enc_size[0] - self.size[0]
            rgb = np.pad(rgb, ((0, pad_y), (0, pad_x), (0, 0)), mode="edge")
        try:
            self.proc.stdin.write(np.ascontiguousarray(rgb).data)
        except (BrokenPipeError, OSError):
            self.proc.wait()
            raise _ffmpeg_failure(self.log(), "the video encoder (ffmpeg) stopped") from None
        self.frames += 1

    def finish(self) -> None:
        """Let ffmpeg finish the file; raise if it failed or the file lacks frames."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        code = self.proc.wait()
        log = self.log()
        self._log.close()
        if code != 0:
            raise _ffmpeg_failure(log, f"the video encoder (ffmpeg) failed (status {code})")
        n = count_frames(self.path)
        if n != self.frames:
            raise ExportError(f"the encoded video has {n} frames, not {self.frames}")

    def kill(self) -> None:
        """Stop ffmpeg at once (cancel, error): its half file is removed by the caller."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait()
        if not self._log.closed:
            self._log.close()


# -- frames ------------------------------------------------------------------------------------------
def _write_png(img, path: str, transparent: bool) -> None:
    """One frame as PNG, encoded in memory and written by Python (a full disk is then an
    ``OSError`` with its errno, not a Qt "Unknown error")."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage, QImageWriter

    if not transparent:  # 3 bytes a pixel: smaller files, same picture
        img = img.convertToFormat(QImage.Format.Format_RGB888)
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    wr = QImageWriter(buf, b"PNG")
    wr.setQuality(50)  # Qt maps 50 to a middle zlib level: fast, a few % larger
    if not wr.write(img):
        raise ExportError(f"cannot encode {os.path.basename(path)}: {wr.errorString()}")
    buf.close()
    with open(path, "wb") as fh:
        fh.write(memoryview(buf.data()))


def _check_png_target(target: Path, force: bool) -> None:
    """A PNG sequence's target: a new name, an empty folder, or (with ``force``) an earlier
    sequence; anything else is refused before rendering."""
    if target.is_symlink():
        raise ExportError(f"'{target}' is a link: give the folder itself")
    if target.exists() and not target.is_dir():
        raise ExportError(f"'{target}' is a file, not a folder for a PNG sequence")
    if target.is_dir():
        if not _is_old_sequence(target):
            raise ExportError(f"the folder '{target}' holds other files: choose an empty or "
                              "new folder for the PNG sequence")
        if not force and any(target.iterdir()):
            raise ExportError(f"{target} holds an earlier frame sequence: use --force to "
                              "replace it")


# -- the clip ----------------------------------------------------------------------------------------
def export_clip(exporter, t0_s: float, t1_s: float, out, spec, fps: float = 30,
                rate: float = 60.0, progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None, force: bool = True) -> Path:
    """Render MET ``t0_s`` … ``t1_s`` (s) through ``exporter.render(met_s, spec)`` and write an
    MP4 (``out`` ends in ``.mp4``) or a PNG sequence (``out`` a folder, or ends in ``/``).

    ``fps``: frames per second of video; ``rate``: simulated seconds per video second (60: one
    minute of mission per second of video). Frame times: :func:`clip_frame_times`.
    ``progress(done, total)`` is called after each frame; ``cancelled()`` is polled before each
    frame. ``force``: replace an existing video or earlier frame sequence (without it, one
    that exists or appears meanwhile is left as it is and :class:`ExportError` says so).
    Returns the written path (absolute). Raises :class:`ClipCancelled` on cancel, the
    exporter's :class:`~orbitviz.core.cancel.Cancelled` on a signal, and
    :class:`ExportError` on bad input or any failure; in every case nothing is left on disk.
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
    transparent = bool(getattr(spec, "transparent", False))
    if kind == "mp4":
        if transparent:
            raise ExportError("an MP4 video cannot be transparent: export a PNG sequence "
                              "(a folder ending in /) for frames with alpha")
        if target.is_dir():
            raise ExportError(f"'{target}' is a folder, not a video file")
        if target.exists() and not force:
            raise ExportError(f"{target} exists: use --force to overwrite it")
    else:
        _check_png_target(target, force)
    cancel = getattr(exporter, "cancel", None)
    total = len(times)
    done = [0]

    def frames():
        """Each frame's picture, with the cancel polls and progress around it."""
        for k, met in enumerate(times):
            if cancelled is not None and cancelled():
                raise ClipCancelled(f"clip cancelled after {k} of {total} frames")
            try:
                img = exporter.render(float(met), spec)
            except ExportError as exc:  # a failed draw, a GL error: say which frame
                raise ExportError(f"the clip failed at frame {k + 1} of {total}: {exc}") \
                    from None
            yield img
            done[0] = k + 1
            if progress is not None:
                progress(k + 1, total)

    def write_mp4(tmp: str) -> None:
        enc = _Mp4Encoder(tmp, (w, h), fps, getattr(spec, "quality", 92) or 92)
        try:
            for img in frames():
                enc.add(img)
            enc.finish()
        except BaseException:
            enc.kill()
            raise

    def write_pngs(tmp: str) -> None:
        for k, img in enumerate(frames()):
            if (img.width(), img.height()) != (w, h):
                raise ExportError(f"the renderer gave a {img.width()}×{img.height()} frame, "
                                  f"not {w}×{h}")
            _write_png(img, os.path.join(tmp, _FRAME_NAME.format(k)), transparent)

    def may_replace(path: Path) -> None:  # checked again at the end: it may have changed
        if not _is_old_sequence(path):
            raise ExportError(f"the folder '{path}' changed during the export and now holds "
                              "other files")
        if not force and any(path.iterdir()):
            raise ExportError(f"{path} holds an earlier frame sequence: use --force to "
                              "replace it")

    try:
        if kind == "mp4":
            return write_atomic(target, write_mp4, force=force, suffix=".mp4", cancel=cancel)
        return write_folder_atomic(target, write_pngs, replace=may_replace, cancel=cancel)
    except (ClipCancelled, ExportError):
        raise
    except TargetExistsError as exc:
        raise ExportError(str(exc)) from None
    except AtomicWriteError as exc:  # one line naming the path; a full disk says so
        raise ExportError(str(exc)) from None
    except Exception as exc:
        where = (f"at frame {done[0] + 1} of {total}" if done[0] < total
                 else "while finishing the file")
        raise ExportError(f"the clip failed {where}: {_one_line(exc)}") from exc
