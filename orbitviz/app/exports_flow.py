"""The app's export actions: Export image (Ctrl+E), Copy view (Ctrl+Shift+C) and Export clip
(Ctrl+Alt+E). A mixin of :class:`~orbitviz.app.app.OrbitvizApp`: it reads the app's viewer
model, viewport and map, asks the export dialogs, and renders through the
:class:`~orbitviz.app.export.Exporter` (which has its own hidden view and viewer model).
"""

from __future__ import annotations

import copy
import time

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.export_rules import ExportError, ExportSpec


class ExportsFlow:
    """Export actions of the app (needs ``viewer``, ``viewport``, ``window``, ``map``,
    ``settings`` and ``model`` on the app)."""

    def exporter(self):
        """The export engine (a hidden GL view of its own), made on first use; it shows the
        same user catalogue as the screen."""
        if getattr(self, "_exporter", None) is None:
            from orbitviz.app.export import Exporter

            self._exporter = Exporter(self.model)
            self._exporter.set_catalog(self.viewer.catalog)
            self.viewer.events.catalog.connect(self._exporter.set_catalog)
        return self._exporter

    def export_spec(self, width: int, height: int, caption: str = "none",
                    transparent: bool = False, credit: bool = True,
                    hide_overlays: bool = False) -> ExportSpec:
        """What is on screen now, at another size: same camera, frame, layers and label size;
        lines, markers and labels sized for the output's height as the CLI sizes them
        (height / 1080), so the same size gives the same picture from the app and the CLI."""
        state = copy.deepcopy(self.viewer.view)
        if hide_overlays:
            for layer in ("labels", "events"):
                state.layers[layer] = False
        # the ground-track map goes into the picture when it is shown on screen
        inset = self.map_inset() if self.window.dock_shown("Map") else None
        return ExportSpec(size=(int(width), int(height)), view=state.camera, frame=state.frame,
                          caption=caption, transparent=transparent, credit=credit,
                          view_state=state, camera=self.viewport.camera(), pixel_scale=None,
                          inset=inset)

    def _exec_with_guide(self, dlg):
        """Run an export dialog while the view draws the picture's frame (when its shape
        differs from the view's)."""
        from orbitviz.ui.frame_guide import FrameGuide

        if getattr(self, "frame_guide", None) is None:
            self.frame_guide = FrameGuide(self.viewport)
        box = dlg.size_box
        box.sizeChanged.connect(self.frame_guide.set_export_size)
        self.frame_guide.set_export_size(*box.size())
        try:
            return dlg.exec()
        finally:
            self.frame_guide.clear()

    def _view_aspect(self) -> float:
        return self.viewport.width() / max(self.viewport.height(), 1)

    def export_image(self) -> None:
        from orbitviz.app.paths import pictures_dir
        from orbitviz.core.export_rules import picture_file_name
        from orbitviz.ui.export_dialogs import ExportImageDialog

        met = self.viewer.clock.met_s
        dlg = ExportImageDialog(self.settings, self._view_aspect(), self.model.scenario.title,
                                self.window, folder=pictures_dir(),
                                name_for=lambda folder: picture_file_name(self.viewer, met,
                                                                          folder))
        if self._exec_with_guide(dlg) != QtWidgets.QDialog.DialogCode.Accepted:
            return
        c = dlg.choice()
        caption = "none"
        if c.caption:
            caption = "auto" if c.caption_text.strip() == self.model.scenario.title else \
                c.caption_text.strip() or "auto"
        spec = self.export_spec(c.width, c.height, caption, c.transparent, c.credit,
                                c.hide_overlays)
        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            path = self.exporter().save(c.path, self.viewer.clock.met_s, spec, force=True)
        except ExportError as exc:
            QtWidgets.QApplication.restoreOverrideCursor()
            QtWidgets.QMessageBox.warning(self.window, "Export image", str(exc))
            return
        QtWidgets.QApplication.restoreOverrideCursor()
        self.window.statusBar().showMessage(f"Exported {path}", 8000)

    def copy_view(self) -> None:
        """The view as it is on screen (physical pixels) to the clipboard."""
        ratio = self.viewport.devicePixelRatioF()
        w = int(round(self.viewport.width() * ratio))
        h = int(round(self.viewport.height() * ratio))
        try:
            image = self.exporter().render(self.viewer.clock.met_s,
                                           self.export_spec(w, h, credit=False))
        except ExportError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Copy view", str(exc))
            return
        QtGui.QGuiApplication.clipboard().setImage(image)
        self.window.statusBar().showMessage(f"Copied the view ({w} × {h}) to the clipboard",
                                            5000)

    def export_clip(self) -> None:
        from orbitviz.app.clip import ClipCancelled, export_clip
        from orbitviz.core.clip_plan import clip_presets, default_clip
        from orbitviz.core.timeaxis import parse_time
        from orbitviz.ui.export_dialogs import ExportClipDialog

        ax = self.model.axis
        met = self.viewer.clock.met_s
        plans = [default_clip(self.viewer, met)]
        if self.viewer.scenario == "mission":
            plans += clip_presets(self.model)
        events = self.model.scenario.event_times()
        dlg = ExportClipDialog(self.settings, self._view_aspect(), plans,
                               lambda t: ax.iso_utc(t), lambda text: parse_time(text, ax, events),
                               self.window)
        if self._exec_with_guide(dlg) != QtWidgets.QDialog.DialogCode.Accepted:
            return
        c = dlg.choice()
        spec = self.export_spec(c.width, c.height, "auto" if c.caption else "none",
                                credit=c.credit)
        t0, t1 = dlg.parse(c.t0_text), dlg.parse(c.t1_text)
        progress = QtWidgets.QProgressDialog("Rendering the clip…", "Cancel", 0, 100,
                                             self.window)
        progress.setWindowTitle("Export clip")
        progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        started = time.monotonic()

        def on_progress(done, total):
            progress.setMaximum(total)
            progress.setValue(done)
            if done:
                left = (time.monotonic() - started) / done * (total - done)
                progress.setLabelText(f"Frame {done} of {total}, about {left:.0f} s left")
            QtWidgets.QApplication.processEvents()

        try:
            out = export_clip(self.exporter(), t0, t1, c.path, spec, fps=c.fps, rate=c.rate,
                              progress=on_progress, cancelled=progress.wasCanceled)
        except ClipCancelled:
            self.window.statusBar().showMessage("Clip cancelled: nothing was written", 6000)
        except ExportError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Export clip", str(exc))
        else:
            self.window.statusBar().showMessage(f"Exported {out}", 8000)
        finally:
            progress.close()


__all__ = ["ExportsFlow"]
