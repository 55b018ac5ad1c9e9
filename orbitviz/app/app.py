"""The composition root: builds the viewer model, the render items and the widgets, and
connects them. ``run()`` is what ``orbitviz`` (no command) calls.

The Qt-free :class:`~orbitviz.core.viewer.ViewerModel` is the one answer to "what is shown";
the scene, the map, the panels and the time bar subscribe to it. The app turns the window's
intents (menus, clicks) into viewer-model calls. Its jobs are split by room: exports
(:mod:`~orbitviz.app.exports_flow`), saved shots (:mod:`~orbitviz.app.shots_flow`), the
user's element sets (:mod:`~orbitviz.app.elements_flow`); heavy work runs on the
:class:`~orbitviz.app.tasks.TaskRunner`.
"""

from __future__ import annotations

import datetime as _dt
import sys

from PySide6 import QtCore, QtWidgets

from orbitviz.app.elements_flow import ElementsFlow
from orbitviz.app.exports_flow import ExportsFlow
from orbitviz.app.settings import AppSettings, AutoSave
from orbitviz.app.shots_flow import ShotsFlow
from orbitviz.app.startup import (StartupError, check_display, check_opengl,
                                  make_qapplication, quit_on_signals)
from orbitviz.app.tasks import TaskRunner
from orbitviz.core.formatting import FRAME_NAMES


class OrbitvizApp(ElementsFlow, ShotsFlow, ExportsFlow, QtCore.QObject):
    """Owns the window and, once the mission is cached, everything built around it."""

    ready = QtCore.Signal()

    def __init__(self, settings: QtCore.QSettings | None = None, tle_paths=()):
        super().__init__()
        #: Element-set files loaded so far (the user's own satellites), in load order.
        self.element_paths: list[str] = []
        self._element_sets: dict[str, list] = {}  # file → its valid sets
        self.last_elements_result = ([], [])
        self._pending_elements = [str(p) for p in tle_paths]
        from orbitviz.render.camera import PRESETS

        self.settings = settings or QtCore.QSettings()
        #: Checked reading and writing of :attr:`settings` (:mod:`orbitviz.app.settings`).
        self.app_settings = AppSettings(self.settings)
        self._autosave = None
        self.window = _Window({k: p.label for k, p in PRESETS.items()}, FRAME_NAMES, self)
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self._task_failed)
        self.model = None
        self.viewer = None

    def start(self) -> None:
        """Show the window at once and build the mission cache on a worker thread."""
        geom = self.app_settings.layout("window/geometry")
        if geom is not None:
            if self.window.restoreGeometry(geom):
                self.window.keep_on_screen()
            else:
                self.app_settings.layout_failed("window/geometry")
        self.window.show()
        from orbitviz.core.mission import MissionModel

        self.tasks.submit("mission", MissionModel.build, on_done=self._on_model,
                          on_error=self._on_failure, what="load the mission")

    def wait_ready(self, timeout_ms: int = 30000) -> bool:
        """Block (processing events) until the mission is on screen; for tests and export."""
        if self.model is not None:
            return True
        loop = QtCore.QEventLoop()
        self.ready.connect(loop.quit)
        QtCore.QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        return self.model is not None

    # -- convenient views of the viewer model ------------------------------------------------------
    @property
    def clock(self):
        return self.viewer.clock

    @property
    def state(self):
        """The view state (the viewer model's)."""
        return self.viewer.view

    @property
    def scenario(self) -> str:
        return self.viewer.scenario

    @property
    def user_catalog(self):
        return self.viewer.catalog

    # -- assembly --------------------------------------------------------------------------------
    def _on_failure(self, exc: BaseException) -> None:
        message = f"{type(exc).__name__}: {exc}"
        print(f"orbitviz: error: cannot load the mission: {message}", file=sys.stderr)
        QtWidgets.QMessageBox.critical(self.window, "orbitviz",
                                       f"The mission data could not be loaded.\n\n{message}")
        QtWidgets.QApplication.instance().exit(2)

    def _task_failed(self, what: str, message: str, details: str) -> None:
        """A background task failed: once in the status bar, with a Details action."""
        self.window.show_problem(f"Could not {what}: {message}", details)

    def _on_model(self, model) -> None:
        from orbitviz.core.viewer import ViewerModel
        from orbitviz.core.viewstate import ViewState
        from orbitviz.render.camera import preset_for
        from orbitviz.render.scene import SceneController, create_items
        from orbitviz.ui.layers_panel import LayersPanel
        from orbitviz.ui.legend import Legend
        from orbitviz.ui.map_panel import MapPanel
        from orbitviz.ui.presenter import PresenterCaption
        from orbitviz.ui.readouts_panel import ReadoutsPanel
        from orbitviz.ui.rendezvous_panel import RendezvousPanel
        from orbitviz.ui.time_controls import TimeControls
        from orbitviz.ui.viewport import Viewport

        self.model = model
        saved = self._read_settings(model)
        state = saved["view/state"] or ViewState()
        self.viewer = v = ViewerModel(model, state, met_s=saved["time/met_s"],
                                      rate=saved["time/rate"])
        if v.kind(state.selected) is None:
            v.view.selected = "soyuz-ms-19"
        self.viewport = Viewport()
        self.items = create_items(model)
        self.scene = SceneController(v, self.viewport, self.items)
        self.scene.set_window_requester(self._request_user_window)
        self.scene.set_display_scale(self.viewport.devicePixelRatioF())
        self.time_controls = TimeControls(v)
        self.layers = LayersPanel(v)
        self.readouts = ReadoutsPanel(v)
        self.rendezvous = RendezvousPanel(v)
        self.map = MapPanel(v)
        self.shots_panel = self._make_shots_panel()
        self.legend = Legend(v)
        self.window.set_content(self.viewport, self.legend, self.time_controls,
                                {"Layers": self.layers, "Readouts": self.readouts,
                                 "Rendezvous": self.rendezvous, "Map": self.map,
                                 "Shots": self.shots_panel},
                                list(self.time_controls.actions()), saved["window/state"],
                                caption=PresenterCaption(v))

        v.events.view.connect(lambda: self.window.check_frame(v.view.frame))
        self.viewport.camera_changed.connect(self.scene.update)
        self.viewport.resized.connect(self._refit_camera)
        self.viewport.clicked.connect(self.pick)
        self.window.scenario_requested.connect(self.set_scenario)
        self.window.follow_selected_requested.connect(self.follow_selected)
        self.window.preset_requested.connect(self.apply_preset)
        self.window.frame_requested.connect(self.set_frame)
        self.window.export_image_requested.connect(self.export_image)
        self.window.export_clip_requested.connect(self.export_clip)
        self.window.copy_requested.connect(self.copy_view)
        self.window.open_elements_requested.connect(self.open_element_sets)
        self.window.open_recent_requested.connect(self.open_recent)
        self.window.set_recent(self.recent_element_files())
        self.window.real_and_modelled_requested.connect(self._show_real_and_modelled)
        self.time_controls.typing_done.connect(self._focus_view)

        self.apply_preset(state.camera if preset_for(state.camera, v) else "earth")
        cam = saved["view/camera"]  # checked: finite numbers in range
        if cam and saved["view/camera_preset"] == state.camera:
            self.viewport.set_camera_dict(cam)
        self.window.check_frame(state.frame)
        self.scene.set_time(v.clock.met_s)
        self._start_autosave()
        self.ready.emit()
        if self._pending_elements:  # orbitviz --tle FILE …
            paths, self._pending_elements = self._pending_elements, []
            self.open_element_sets(paths, echo=True)

    def _request_user_window(self, catalog, t0_s: float, t1_s: float, step_s: float) -> None:
        """Propagate a window of the user's catalogue on a worker thread (the newest request
        wins); the scene gets it on the GUI thread."""
        self.tasks.submit("user-window", catalog.propagate, t0_s, t1_s, step_s,
                          on_done=self.scene.set_user_window, what="propagate your objects")

    def map_inset(self):
        """``inset(met_s, width, height, pixel_scale) -> QImage``: the ground-track map as
        the exports carry it."""
        from orbitviz.ui.map_panel import map_image

        viewer = self.viewer
        return lambda met_s, w, h, k=1.0: map_image(viewer, met_s, w, h, k)

    # -- scenario, selection, picking ------------------------------------------------------------
    def set_scenario(self, key: str) -> None:
        """"mission": the Soyuz MS-19 time line; "free": the loaded element sets' own,
        spanning their validity, with "now" in real time when the present lies inside."""
        v = self.viewer
        was = v.scenario
        v.set_scenario(key, now_met_s=self._now_met())
        free = v.scenario == "free"
        if free and self.scene.preset.target != "earth" and \
                v.kind(self.scene.preset.target) != "user":
            self.apply_preset("earth")  # the mission's views show nothing here
        self.window.check_scenario(v.scenario, v.catalog is not None)
        self.window.set_mission_views_enabled(not free)
        if v.scenario != was:  # the map tells about your objects; the plots don't
            self.window.raise_dock("Map" if free else "Rendezvous")
        self.scene.update()

    def _now_met(self) -> float:
        """``met_s`` of the present moment."""
        return self.model.axis.met_from_datetime(_dt.datetime.now(_dt.timezone.utc))

    def pick(self, x: float, y: float) -> None:
        """A click in the view at (x, y): select the object drawn there, if any."""
        oid = self.scene.pick(x, y)
        if oid is not None:
            self.select(oid)
            self.window.statusBar().showMessage(
                f"Selected {self.viewer.name(oid)} (Ctrl+F follows it)", 5000)

    def follow_selected(self) -> None:
        """Ctrl+F: follow the selected object, if it is in the scene now."""
        v = self.viewer
        oid = v.selected
        if v.kind(oid) == "mission" and not v.in_mission(v.clock.met_s):
            self.window.statusBar().showMessage(
                "The mission's objects are not in this scenario: click one of your objects, "
                "then Ctrl+F", 6000)
            return
        self.apply_preset(f"follow:{oid}")

    def apply_preset(self, name: str) -> None:
        self.scene.apply_preset(name)
        self.viewport.set_camera(*self.scene.preset_camera())
        if name.startswith("follow:"):
            self.select(name.split(":", 1)[1])
        self.window.check_preset(name)
        self.scene.update()

    def _focus_view(self) -> None:
        self.viewport.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    def _show_real_and_modelled(self) -> None:
        from orbitviz.ui.help_dialogs import show_real_and_modelled

        show_real_and_modelled(self.window, self.viewer)

    def _refit_camera(self) -> None:
        """The view changed shape: a preset that frames a subject (the whole Earth) frames
        it again, unless the user has moved the camera since."""
        if self.viewport.user_moved or self.scene.preset.subject_radius_km is None:
            return
        self.viewport.set_distance(self.scene.preset_camera()[0])
        self.scene.update()

    def select(self, object_id: str) -> None:
        """Make ``object_id`` (a mission object or one of the user's) the selected object:
        readouts, the time bar's phase line, the highlight in the view and on the map."""
        self.viewer.select(object_id)

    def set_frame(self, frame: str) -> None:
        self.viewer.set_frame(frame)
        if self.scene.preset.azimuth_deg is None:
            self.viewport.set_camera(*self.scene.preset_camera())
            self.scene.update()

    # -- settings (read checked, saved when they change: orbitviz.app.settings) ---------------------
    def _read_settings(self, model) -> dict:
        """Every saved value, checked: a bad one falls back to its default, is removed from
        the file and is told once (:meth:`_start_autosave`)."""
        from orbitviz.core.timeaxis import SHOWN_FIRST_UTC, SHOWN_LAST_UTC

        a = self.app_settings
        shown = (model.axis.met_from_datetime(SHOWN_FIRST_UTC),
                 model.axis.met_from_datetime(SHOWN_LAST_UTC))
        a.sweep(window=model.window, shown=shown)  # the dialogs' keys too
        return {"view/state": a.get("view/state"),
                "time/met_s": a.get("time/met_s", 0.0, window=model.window),
                "time/rate": a.get("time/rate"),
                "view/camera": a.get("view/camera"),
                "view/camera_preset": a.get("view/camera_preset"),
                "window/state": a.layout("window/state")}

    def _start_autosave(self) -> None:
        """Save within a second of every change from now on; tell the user, once, of any
        saved value that could not be used."""
        self._autosave = AutoSave(self.save_settings, self)
        self._autosave.watch_app(self)
        self.app_settings.report(self.window)

    def save_settings(self) -> None:
        """Write the window, view, camera and time; a value that reading would refuse (a
        NaN) is never written."""
        a = self.app_settings
        a.put("window/geometry", self.window.saveGeometry())
        if self.viewer is not None:
            a.put("window/state", self.window.saveState())
            a.put("view/state", self.viewer.view.to_dict())
            a.put("view/camera", self.viewport.camera())
            a.put("view/camera_preset", self.viewer.view.camera)
            # the mission's time only: a free scenario's time means nothing at the next start
            a.put("time/met_s", float(self.viewer.clock.met_s), window=self.model.window)
            a.put("time/rate", float(self.viewer.clock.rate))
        a.q.sync()

    def shutdown(self) -> None:
        """Stop background work and the saving timer (the window is closing)."""
        if self._autosave is not None:
            self._autosave.close()
        self.tasks.shutdown()


class _Window:
    """Factory indirection so the main window module is imported only with a QApplication."""

    def __new__(cls, presets, frames, app):
        from orbitviz.ui.main_window import MainWindow

        class Window(MainWindow):
            def closeEvent(self, ev):  # noqa: N802
                app.save_settings()
                app.shutdown()
                super().closeEvent(ev)

        return Window(presets, frames)


def run(argv=None, tle_paths=()) -> int:
    """Open the desktop app; returns the process exit status. ``tle_paths``: element-set
    files of the user's own satellites to load once the mission is on screen."""
    try:
        check_display()
    except StartupError as exc:
        print(f"orbitviz: error: {exc}", file=sys.stderr)
        return 2
    qapp = make_qapplication(argv)
    reason = check_opengl()
    if reason is not None:
        print(f"orbitviz: error: OpenGL cannot start: {reason}", file=sys.stderr)
        QtWidgets.QMessageBox.critical(
            None, "orbitviz", f"OpenGL cannot start, so the 3D view cannot open.\n\n{reason}.\n\n"
            "The command-line tools (orbitviz events, orbitviz state) still work.")
        return 2
    app = OrbitvizApp(tle_paths=tle_paths)
    app.start()
    quit_on_signals(qapp, app.window.close)  # SIGTERM saves and closes, as the close button
    return qapp.exec()


__all__ = ["OrbitvizApp", "run"]
