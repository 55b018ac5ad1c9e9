"""The app's saved shots: the Shots panel, saving the current view and going back to one.
A mixin of :class:`~orbitviz.app.app.OrbitvizApp` (needs ``viewer``, ``viewport``,
``window``, ``settings``, ``model``, ``layers`` and the app's ``apply_preset``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6 import QtWidgets

from orbitviz.app.notices import notify
from orbitviz.core.shots import Shot, ShotBook, ShotError


class ShotsFlow:
    """Saved shots in the app."""

    def _make_shots_panel(self):
        from orbitviz.app.paths import default_shots_path
        from orbitviz.ui.shots import ShotsPanel

        path = Path(self.app_settings.get("shots/path") or default_shots_path())
        axis = self.model.axis
        try:
            self.shots = ShotBook(path, axis)
        except ShotError as exc:  # a broken file is reported and left as it is
            spare = path.with_name(path.stem + " (new)" + path.suffix)
            # not waited for: the app finishes starting behind the box
            notify(self.window, "Saved shots", "The saved shots could not be read.",
                   f"{exc}\n\nThat file is left untouched; new shots go to {spare}.")
            try:
                self.shots = ShotBook(spare, axis)
            except ShotError:
                self.shots = ShotBook(Path(tempfile.mkdtemp()) / "shots.json", axis)
        panel = ShotsPanel(self.shots, axis)
        panel.save_requested.connect(self.save_shot)
        panel.apply_requested.connect(self.apply_shot)
        return panel

    def save_shot(self, name: str) -> None:
        """Save the current view (camera, frame, time, layers) as the shot ``name``."""
        try:
            shot = Shot.create(name, self.viewer.clock.met_s, self.model.axis,
                               view_state=self.viewer.view, camera=self.viewport.camera())
            self.shots.add(shot, replace=True)
        except ShotError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Save shot", str(exc))
            return
        self.shots_panel.refresh()
        self.window.statusBar().showMessage(f"Saved the shot '{shot.name}' in "
                                            f"{self.shots.path}", 6000)

    def apply_shot(self, name: str) -> None:
        """Go to a saved shot: its scenario, time, frame, layers, track span and camera."""
        try:
            shot = self.shots.get(name)
        except ShotError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Saved shots", str(exc))
            return
        v = self.viewer
        if not v.in_mission(shot.met_s):  # a shot of your own objects, in a free scenario
            cat = v.catalog
            if cat is None or not cat.covers(shot.met_s):
                QtWidgets.QMessageBox.warning(
                    self.window, "Saved shots",
                    f"The shot '{shot.name}' is at {shot.utc}, outside the mission: open the "
                    "element sets it shows (File → Open element sets…) and try again.")
                return
            self.set_scenario("free")
        elif v.scenario == "free":
            self.set_scenario("mission")
        view = shot.view()
        v.set_view_state(view)
        self.window.check_frame(view.frame)
        self.apply_preset(view.camera)
        if shot.camera:
            self.viewport.set_camera_dict(shot.camera)
        self.select(view.selected)
        v.clock.seek(shot.met_s)
        self.scene.update()


__all__ = ["ShotsFlow"]
