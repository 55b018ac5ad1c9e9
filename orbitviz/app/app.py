"""The composition root: builds the core objects, render items and widgets, and connects
them. ``run()`` is what ``orbitviz`` (no command) calls.
"""

from __future__ import annotations

import functools
import json
import os
import sys

from PySide6 import QtCore, QtGui, QtWidgets

ORG = "orbitviz"
APP = "orbitviz"
FRAMES = {"earth-fixed": "Earth-fixed", "inertial": "Inertial"}


class StartupError(RuntimeError):
    """The app cannot start here; the message is one line for the user."""


# -- environment checks ---------------------------------------------------------------------
def check_display() -> None:
    """Raise :class:`StartupError` where Qt would abort for want of a display."""
    if sys.platform.startswith("linux"):
        platform = os.environ.get("QT_QPA_PLATFORM", "")
        if platform.startswith(("offscreen", "minimal")):
            raise StartupError(
                f"QT_QPA_PLATFORM={platform} has no OpenGL: unset it, or run under a display "
                "(xvfb-run orbitviz); the CLI commands work without one")
        if not platform and not os.environ.get("DISPLAY") and not os.environ.get(
                "WAYLAND_DISPLAY"):
            raise StartupError("no display: run orbitviz in a desktop session or under "
                               "xvfb-run; the CLI commands (orbitviz --help) work without one")


def check_opengl() -> str | None:
    """None when an OpenGL context with shaders (2.1+) can be made, else the reason."""
    if QtGui.QGuiApplication.platformName() in ("offscreen", "minimal"):
        return f"the '{QtGui.QGuiApplication.platformName()}' Qt platform has no OpenGL"
    ctx = QtGui.QOpenGLContext()
    if not ctx.create():
        return "no OpenGL context could be created (is Mesa's libgl1-mesa-dri installed?)"
    surface = QtGui.QOffscreenSurface()
    surface.setFormat(ctx.format())
    surface.create()
    if not ctx.makeCurrent(surface):
        return "the OpenGL context cannot be made current"
    major, minor = ctx.format().majorVersion(), ctx.format().minorVersion()
    ctx.doneCurrent()
    if (major, minor) < (2, 1):
        return f"OpenGL {major}.{minor} is too old: orbitviz needs 2.1 or newer with shaders"
    return None


def dark_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    base = QtGui.QColor(24, 26, 32)
    window = QtGui.QColor(34, 37, 45)
    text = QtGui.QColor(226, 230, 238)
    role = QtGui.QPalette.ColorRole
    for r, c in ((role.Window, window), (role.WindowText, text), (role.Base, base),
                 (role.AlternateBase, window), (role.ToolTipBase, QtGui.QColor(50, 54, 64)),
                 (role.ToolTipText, text), (role.Text, text), (role.Button, window),
                 (role.ButtonText, text), (role.BrightText, QtGui.QColor(255, 120, 90)),
                 (role.Highlight, QtGui.QColor(64, 132, 220)),
                 (role.HighlightedText, QtGui.QColor(255, 255, 255)),
                 (role.PlaceholderText, QtGui.QColor(140, 146, 160))):
        p.setColor(r, c)
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, role.Text, QtGui.QColor(120, 124, 134))
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, role.ButtonText, QtGui.QColor(120, 124, 134))
    return p


def make_qapplication(argv=None) -> QtWidgets.QApplication:
    """The QApplication, with shared GL contexts (pyqtgraph 0.14 needs them) and high DPI."""
    existing = QtWidgets.QApplication.instance()
    if existing is not None:
        return existing
    QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QtGui.QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        QtCore.Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QtWidgets.QApplication(list(argv or sys.argv[:1]))
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    from orbitviz.core.assets import resource_path

    app.setWindowIcon(QtGui.QIcon(str(resource_path("icons", "orbitviz.png"))))
    app.setDesktopFileName("orbitviz")  # matches resources/orbitviz.desktop
    return app


# -- building the mission off the GUI thread -----------------------------------------------------
class _Builder(QtCore.QObject):
    finished = QtCore.Signal(object)
    failed = QtCore.Signal(str)

    @QtCore.Slot()
    def run(self):
        try:
            from orbitviz.core.mission import MissionModel

            self.finished.emit(MissionModel.build())
        except Exception as exc:  # reported to the user in a dialog, never a traceback
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class Legend(QtWidgets.QLabel):
    """A small key over the 3D view: colours, and which lines are modelled."""

    def __init__(self, parent=None):
        super().__init__(parent)
        from orbitviz.render.scene import COLORS

        self._rows = [
            f"{_swatch(COLORS['iss'])} ISS (element sets)",
            f"{_swatch(COLORS['soyuz-ms-19'])} Soyuz MS-19",
            f"{_swatch(COLORS['soyuz-ms-18'])} Soyuz MS-18",
            "<span style='color:#bbb'>&#9472; &#9472; &#9472;</span> modelled (ascent, "
            "rendezvous, return)"]
        self._user_row = ""
        self._free = False
        self._refresh()
        self.setStyleSheet("QLabel { background: rgba(10, 12, 18, 170); color: #dde3ee; "
                           "border-radius: 6px; padding: 8px 10px; margin: 10px; }")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_user_objects(self, count: int) -> None:
        """A row for the user's own satellites (none when ``count`` is 0)."""
        from orbitviz.render.scene import USER_COLOR

        self._user_row = (f"{_swatch(USER_COLOR)} Your objects ({count:,}, element sets)"
                          if count else "")
        self._refresh()

    def set_free(self, free: bool) -> None:
        """In a free scenario only your objects are drawn: the mission's rows go."""
        self._free = bool(free)
        self._refresh()

    def _refresh(self) -> None:
        user = [self._user_row] if self._user_row else []
        rows = user if self._free else self._rows[:3] + user + self._rows[3:]
        self.setText("<div style='line-height:140%'>" + "<br>".join(rows) + "</div>")
        self.adjustSize()


def _swatch(rgba) -> str:
    r, g, b = (int(255 * c) for c in rgba[:3])
    return f"<span style='color: rgb({r},{g},{b})'>&#9644;</span>"


class OrbitvizApp(QtCore.QObject):
    """Owns the window and, once the mission is cached, everything built around it."""

    ready = QtCore.Signal()

    def __init__(self, settings: QtCore.QSettings | None = None, tle_paths=()):
        super().__init__()
        #: Element-set files loaded so far (the user's own satellites), in load order.
        self.element_paths: list[str] = []
        self._element_sets: dict[str, list] = {}  # file → its valid sets
        self.user_catalog = None
        self._pending_elements = [str(p) for p in tle_paths]
        from orbitviz.render.scene import PRESETS

        self.settings = settings or QtCore.QSettings()
        self.window = _Window({k: p.label for k, p in PRESETS.items()}, FRAMES, self)
        self.model = None
        self._thread = None

    def start(self) -> None:
        """Show the window at once and build the mission cache on a worker thread."""
        geom = self.settings.value("window/geometry")
        if isinstance(geom, QtCore.QByteArray):
            self.window.restoreGeometry(geom)
        self.window.show()
        self._thread = QtCore.QThread()
        self._builder = _Builder()
        self._builder.moveToThread(self._thread)
        self._thread.started.connect(self._builder.run)
        self._builder.finished.connect(self._on_model)
        self._builder.failed.connect(self._on_failure)
        self._builder.finished.connect(self._thread.quit)
        self._builder.failed.connect(self._thread.quit)
        self._thread.start()

    def wait_ready(self, timeout_ms: int = 30000) -> bool:
        """Block (processing events) until the mission is on screen; for tests and export."""
        if self.model is not None:
            return True
        loop = QtCore.QEventLoop()
        self.ready.connect(loop.quit)
        QtCore.QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        return self.model is not None

    # -- assembly --------------------------------------------------------------------------------
    def _on_failure(self, message: str) -> None:
        print(f"orbitviz: error: cannot load the mission: {message}", file=sys.stderr)
        QtWidgets.QMessageBox.critical(self.window, "orbitviz",
                                       f"The mission data could not be loaded.\n\n{message}")
        QtWidgets.QApplication.instance().exit(2)

    def _on_model(self, model) -> None:
        from orbitviz.core.viewstate import ViewState
        from orbitviz.render.scene import SceneController, create_items, preset_for
        from orbitviz.ui.panels import LayersPanel, ReadoutsPanel, RendezvousPanel
        from orbitviz.ui.timeline import TimeControls
        from orbitviz.ui.viewport import Viewport

        self.model = model
        s = self.settings
        state = ViewState.from_dict(_json(s.value("view/state")))
        met = _float(s.value("time/met_s"), 0.0)
        from orbitviz.core.viewer import ViewerModel

        # the map follows the viewer model; the app's clock is the viewer's
        self.viewer = ViewerModel(model, state, met_s=met, rate=_float(s.value("time/rate"), 60.0))
        self.clock = self.viewer.clock
        self.state = state
        self.viewport = Viewport()
        self.items = create_items(model)
        self.scene = SceneController(model, state, self.viewport, self.items)
        self.time_controls = TimeControls(self.clock, model)
        self.layers = LayersPanel(state)
        self.readouts = ReadoutsPanel(model, self.clock)
        self.rendezvous = RendezvousPanel(model, self.clock)
        from orbitviz.ui.map_panel import MapPanel

        self.map = MapPanel(self.viewer)
        self.shots_panel = self._make_shots_panel(model)
        self.layers.sync_from_state()
        self.legend = Legend()
        self.window.set_content(self.viewport, self.legend, self.time_controls,
                                {"Layers": self.layers, "Readouts": self.readouts,
                                 "Rendezvous": self.rendezvous, "Map": self.map,
                                 "Shots": self.shots_panel},
                                _time_actions(self.time_controls), s.value("window/state"))

        from orbitviz.app.propagator import WindowPropagator

        self.propagator = WindowPropagator(self)
        self.propagator.ready.connect(self.scene.set_user_window)
        self.scene.propagator = self.propagator
        self.viewer.environment = self.scene.env  # one Sun and Earth for the view and the map
        self.viewer.events.selection.connect(self.select)  # a click on the map
        self.scenario = "mission"
        self.clock.subscribe(self.scene.set_time)
        self.viewport.camera_changed.connect(self.scene.update)
        self.viewport.clicked.connect(self.pick)
        self.window.scenario_requested.connect(self.set_scenario)
        self.window.follow_selected_requested.connect(self.follow_selected)
        self.readouts.selection_changed.connect(self.select)
        self.layers.changed.connect(self._on_layers)
        self.window.preset_requested.connect(self.apply_preset)
        self.window.frame_requested.connect(self.set_frame)
        self.window.export_image_requested.connect(self.export_image)
        self.window.export_clip_requested.connect(self.export_clip)
        self.window.copy_requested.connect(self.copy_view)
        self.window.open_elements_requested.connect(self.open_element_sets)

        self.select(state.selected if state.selected in model.objects else "soyuz-ms-19")
        self.apply_preset(state.camera if preset_for(state.camera, model) else "earth")
        cam = _json(s.value("view/camera"))
        if cam and s.value("view/camera_preset") == state.camera:
            try:
                self.viewport.set_camera_dict(cam)
            except (KeyError, TypeError, ValueError):
                pass
        self.window.check_frame(state.frame)
        self.scene.set_time(self.clock.met_s)
        self.ready.emit()
        if self._pending_elements:  # orbitviz --tle FILE …
            paths, self._pending_elements = self._pending_elements, []
            self.open_element_sets(paths, echo=True)

    # -- the user's own satellites -------------------------------------------------------------
    def add_element_files(self, paths) -> tuple[list[str], list[str]]:
        """Add element-set files (TLE/3LE, OMM JSON/XML/CSV) to the user's objects.

        The catalogue is rebuilt from every file loaded so far plus the new ones (one
        object per NORAD number across them all) and handed to the scene, the panels and
        the export engine. Reading and building run on a worker thread (a catalogue of
        30,000 objects takes about a second) while the window keeps drawing. Returns
        ``(malformed, failed)``: ``file:line: message`` for every malformed set of the new
        files (their good sets still load), and one line for each new file that could not
        be used at all (unreadable, or no valid set); such a file is not added, and nothing
        already on screen changes because of it.
        """
        from orbitviz.core.catalog import CatalogError, build_catalog, read_element_file

        new = [p for p in dict.fromkeys(str(p) for p in paths) if p not in self.element_paths]
        if not new:
            return [], []

        def work():
            malformed, failed, accepted = [], [], {}
            for path in new:
                try:
                    sets, errors = read_element_file(path)
                except CatalogError as exc:
                    failed.append(str(exc))
                    continue
                if not sets:
                    first = f" (first problem: {errors[0]})" if errors else ""
                    failed.append(f"{path}: no valid element set in the file{first}")
                    continue
                malformed.extend(str(e) for e in errors)
                accepted[path] = sets
            catalog = None
            if accepted:
                every = [s for p in self.element_paths for s in self._element_sets[p]]
                every += [s for sets in accepted.values() for s in sets]
                catalog = build_catalog(every, self.model.axis)
            return malformed, failed, accepted, catalog

        self.window.statusBar().showMessage("Reading element sets…")
        malformed, failed, accepted, catalog = _in_thread(work)
        self.window.statusBar().clearMessage()
        if catalog is not None:
            self._element_sets.update(accepted)
            self.element_paths += list(accepted)
            self._set_user_catalog(catalog)
        return malformed, failed

    def _set_user_catalog(self, catalog) -> None:
        self.user_catalog = catalog
        self.scene.set_user_catalog(catalog)
        if getattr(self, "_exporter", None) is not None:
            self._exporter.scene.set_user_catalog(catalog)
        self.legend.set_user_objects(len(catalog))
        self.readouts.set_user_catalog(catalog)
        self.time_controls.set_user_catalog(catalog)
        self.viewer.set_catalog(catalog)
        w0, w1 = self.model.window
        meets_mission = any(a <= w1 and b >= w0 for a, b in catalog.coverage)
        if not meets_mission:  # sets far from October 2021: show them on their own time line
            self.set_scenario("free")
        else:
            self.window.check_scenario(self.scenario, True)

    # -- scenario, selection, picking ------------------------------------------------------------
    def set_scenario(self, key: str) -> None:
        """"mission": the Soyuz MS-19 time line; "free": the loaded element sets' own,
        spanning their validity, with "now" in real time when the present lies inside."""
        free = key == "free" and self.user_catalog is not None and len(self.user_catalog) > 0
        was = getattr(self, "scenario", "mission")
        if was == "mission" and free:
            self._mission_met = self.clock.met_s  # to come back to
        self.scenario = "free" if free else "mission"
        if free:
            window = self.user_catalog.span
            met = self.clock.met_s
            keep = window[0] <= met <= window[1] and not (
                self.model.window[0] <= met <= self.model.window[1])
            self.time_controls.set_scenario(True, window)
            if not keep:  # the present if the sets cover it, else their latest epoch
                now = self.time_controls._now_met()
                last_epoch = max(o.chains[-1].spans[-1].epoch_met_s
                                 for o in self.user_catalog.objects.values())
                self.clock.seek(now if now is not None else min(last_epoch, window[1]))
            if self.scene.preset.target not in ("earth",) and \
                    self.scene.preset.target not in self.user_catalog.objects:
                self.apply_preset("earth")  # the mission's views show nothing here
        else:
            self.time_controls.set_scenario(False)
            if was == "free":
                self.clock.seek(getattr(self, "_mission_met", 0.0))
        self.window.check_scenario(self.scenario, self.user_catalog is not None)
        self.legend.set_free(free)
        self.window.set_mission_views_enabled(not free)
        if free != (was == "free"):  # the map tells about your objects; the plots don't
            self.window.raise_dock("Map" if free else "Rendezvous")
        self.scene.set_time(self.clock.met_s)
        self.viewer.events.view.emit()

    def pick(self, x: float, y: float) -> None:
        """A click in the view at (x, y): select the object drawn there, if any."""
        oid = self.scene.pick(x, y)
        if oid is not None:
            self.select(oid)
            name = (self.model.objects[oid].name if oid in self.model.objects
                    else self.user_catalog.objects[oid].name)
            self.window.statusBar().showMessage(f"Selected {name} (Ctrl+F follows it)", 5000)

    def follow_selected(self) -> None:
        """Ctrl+F: follow the selected object, if it is in the scene now."""
        oid = self.state.selected
        if oid in self.model.objects and not self.scene.env.in_mission(self.clock.met_s):
            self.window.statusBar().showMessage(
                "The mission's objects are not in this scenario: click one of your objects, "
                "then Ctrl+F", 6000)
            return
        self.apply_preset(f"follow:{oid}")

    def open_element_sets(self, paths=None, echo: bool = False) -> None:
        """File → Open element sets… (``paths`` None asks for files): load them with
        :meth:`add_element_files` and tell the user what was skipped, in a dialog (and on
        stderr too with ``echo``, for ``orbitviz --tle``)."""
        if paths is None:
            start = self.settings.value("elements/dir") or ""
            paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
                self.window, "Open element sets", str(start),
                "Element sets (*.tle *.txt *.3le *.json *.xml *.csv);;All files (*)")
            if not paths:
                return
            self.settings.setValue("elements/dir", os.path.dirname(paths[0]))
        malformed, failed = self.add_element_files(paths)
        if echo:
            for line in failed + malformed:
                print(f"orbitviz: warning: {line}", file=sys.stderr)
        cat = self.user_catalog
        if cat is not None and len(cat):
            now = len(cat.existing(self.clock.met_s))
            self.window.statusBar().showMessage(
                f"{len(cat):,} object{'s' if len(cat) != 1 else ''} of your own loaded; "
                f"{now:,} with a state now. Click one to select it.", 10000)
        if failed and not malformed:
            QtWidgets.QMessageBox.warning(self.window, "Open element sets", "\n".join(failed))
        elif malformed:
            box = QtWidgets.QMessageBox(self.window)
            box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
            box.setWindowTitle("Open element sets")
            n = len(malformed)
            box.setText(f"{n} malformed element set{'s were' if n != 1 else ' was'} skipped; "
                        "the valid ones are loaded.")
            shown = malformed[:12] + ([f"… and {n - 12} more (Show Details)"] if n > 12 else [])
            box.setInformativeText("\n".join(failed + shown))
            box.setDetailedText("\n".join(failed + malformed))
            box.exec()

    # -- saved shots ---------------------------------------------------------------------------------
    def _make_shots_panel(self, model):
        from orbitviz.app.paths import default_shots_path
        from orbitviz.core.shots import ShotBook, ShotError
        from orbitviz.ui.shots import ShotsPanel

        from pathlib import Path

        path = Path(self.settings.value("shots/path") or default_shots_path())
        try:
            self.shots = ShotBook(path, model.axis)
        except ShotError as exc:  # a broken file is reported and left as it is
            spare = path.with_name(path.stem + " (new)" + path.suffix)
            QtWidgets.QMessageBox.warning(
                self.window, "Saved shots",
                f"{exc}\n\nThat file is left untouched; new shots go to {spare}.")
            try:
                self.shots = ShotBook(spare, model.axis)
            except ShotError:
                import tempfile

                self.shots = ShotBook(Path(tempfile.mkdtemp()) / "shots.json", model.axis)
        panel = ShotsPanel(self.shots, model.axis)
        panel.save_requested.connect(self.save_shot)
        panel.apply_requested.connect(self.apply_shot)
        return panel

    def save_shot(self, name: str) -> None:
        """Save the current view (camera, frame, time, layers) as the shot ``name``."""
        from orbitviz.core.shots import Shot, ShotError

        try:
            shot = Shot.create(name, self.clock.met_s, self.model.axis, view_state=self.state,
                               camera=self.viewport.camera())
            self.shots.add(shot, replace=True)
        except ShotError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Save shot", str(exc))
            return
        self.shots_panel.refresh()
        self.window.statusBar().showMessage(f"Saved the shot '{shot.name}' in "
                                            f"{self.shots.path}", 6000)

    def apply_shot(self, name: str) -> None:
        """Go to a saved shot: its time, frame, layers, track span and camera."""
        from orbitviz.core.shots import ShotError

        try:
            shot = self.shots.get(name)
        except ShotError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Saved shots", str(exc))
            return
        w0, w1 = self.model.window
        if not (w0 <= shot.met_s <= w1):  # a shot of your own objects, in a free scenario
            cat = self.user_catalog
            if cat is None or not cat.covers(shot.met_s):
                QtWidgets.QMessageBox.warning(
                    self.window, "Saved shots",
                    f"The shot '{shot.name}' is at {shot.utc}, outside the mission: open the "
                    "element sets it shows (File → Open element sets…) and try again.")
                return
            self.set_scenario("free")
        elif self.scenario == "free":
            self.set_scenario("mission")
        v = shot.view()
        self.state.layers = dict(v.layers)
        self.state.frame = v.frame
        self.state.track_behind_s = v.track_behind_s
        self.state.track_ahead_s = v.track_ahead_s
        self.layers.sync_from_state()
        self.window.check_frame(v.frame)
        self.apply_preset(v.camera)
        if shot.camera:
            self.viewport.set_camera_dict(shot.camera)
        self.select(v.selected)
        self.clock.seek(shot.met_s)
        self.scene.update()
        self.viewer.events.view.emit()

    # -- intents ------------------------------------------------------------------------------------
    def apply_preset(self, name: str) -> None:
        self.scene.apply_preset(name)
        self.viewport.set_camera(*self.scene.preset_camera())
        if name.startswith("follow:"):
            self.select(name.split(":", 1)[1])
        self.window.check_preset(name)
        self.scene.update()

    def select(self, object_id: str) -> None:
        """Make ``object_id`` (a mission object or one of the user's) the selected object:
        readouts, the time bar's phase line, the highlight in the view and on the map."""
        cat = self.user_catalog
        user = cat is not None and object_id in cat.objects and \
            object_id not in self.model.objects
        if not (user or object_id in self.model.objects) or \
                object_id == getattr(self, "_selected", None):
            return
        self._selected = object_id
        self.state.selected = object_id
        self.time_controls.set_selected(object_id)
        self.readouts.set_selected(object_id)
        self.scene.set_selected_user(object_id if user else None)
        self.viewer.events.selection.emit(object_id)  # the state is the viewer's view

    def set_frame(self, frame: str) -> None:
        if frame in FRAMES:
            self.state.frame = frame
            self.window.check_frame(frame)
            self.layers.sync_from_state()
            if self.scene.preset.azimuth_deg is None:
                self.viewport.set_camera(*self.scene.preset_camera())
            self.scene.update()

    def _on_layers(self) -> None:
        self.window.check_frame(self.state.frame)
        self.scene.update()
        self.viewer.events.view.emit()

    # -- exports -------------------------------------------------------------------------------
    def exporter(self):
        """The export engine (a hidden GL view of its own), made on first use."""
        if getattr(self, "_exporter", None) is None:
            from orbitviz.app.export import Exporter

            self._exporter = Exporter(self.model)
            if self.user_catalog is not None:
                self._exporter.scene.set_user_catalog(self.user_catalog)
        return self._exporter

    def export_spec(self, width: int, height: int, caption: str = "none",
                    transparent: bool = False, credit: bool = True,
                    hide_overlays: bool = False):
        """What is on screen now, at another size: same camera, frame and layers; lines,
        markers and labels scaled with the output so it looks as it does on screen."""
        import copy

        from orbitviz.app.export import ExportSpec

        state = copy.deepcopy(self.state)
        if hide_overlays:
            for layer in ("labels", "events"):
                state.layers[layer] = False
        scale = height / max(self.viewport.height(), 1)
        # the ground-track map goes into the picture when it is shown on screen
        from orbitviz.ui.map_panel import map_image

        inset = functools.partial(map_image, self.viewer) if self.window.dock_shown("Map") \
            else None
        return ExportSpec(size=(int(width), int(height)), view=state.camera, frame=state.frame,
                          caption=caption, transparent=transparent, credit=credit,
                          view_state=state, camera=self.viewport.camera(), pixel_scale=scale,
                          inset=inset)

    def _view_aspect(self) -> float:
        return self.viewport.width() / max(self.viewport.height(), 1)

    def export_image(self) -> None:
        from orbitviz.app.export import ExportError
        from orbitviz.ui.export_dialogs import ExportImageDialog

        dlg = ExportImageDialog(self.settings, self._view_aspect(), self.model.scenario.title,
                                self.window)
        if dlg.exec() != QtWidgets.QDialog.DialogCode.Accepted:
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
            path = self.exporter().save(c.path, self.clock.met_s, spec, force=True)
        except ExportError as exc:
            QtWidgets.QApplication.restoreOverrideCursor()
            QtWidgets.QMessageBox.warning(self.window, "Export image", str(exc))
            return
        QtWidgets.QApplication.restoreOverrideCursor()
        self.window.statusBar().showMessage(f"Exported {path}", 8000)

    def copy_view(self) -> None:
        """The view as it is on screen (physical pixels) to the clipboard."""
        from orbitviz.app.export import ExportError

        ratio = self.viewport.devicePixelRatioF()
        w = int(round(self.viewport.width() * ratio))
        h = int(round(self.viewport.height() * ratio))
        try:
            image = self.exporter().render(self.clock.met_s, self.export_spec(w, h, credit=False))
        except ExportError as exc:
            QtWidgets.QMessageBox.warning(self.window, "Copy view", str(exc))
            return
        QtGui.QGuiApplication.clipboard().setImage(image)
        self.window.statusBar().showMessage(f"Copied the view ({w} × {h}) to the clipboard",
                                            5000)

    def export_clip(self) -> None:
        import time

        from orbitviz.app.clip import ClipCancelled, export_clip
        from orbitviz.app.export import ExportError
        from orbitviz.core.timeaxis import parse_time
        from orbitviz.ui.export_dialogs import ExportClipDialog

        ax = self.model.axis
        met = self.clock.met_s
        obj = self.model.objects.get(self.state.selected)
        label = "This phase"
        if obj is not None and self.scenario == "mission":  # the selected object's phase
            starts = [t for t, _ in obj.phases] + [obj.end_s]
            i = max(k for k, t in enumerate(starts[:-1]) if t <= met) if met >= starts[0] else 0
            span = (max(starts[i], self.model.window[0]),
                    min(starts[i + 1], self.model.window[1]))
        else:  # one of your objects, or a free scenario: the next hour
            span = (met, min(met + 3600.0, self.clock.end_s))
            label = "Next hour"
        dlg = ExportClipDialog(self.settings, self._view_aspect(),
                               (ax.iso_utc(span[0]), ax.iso_utc(span[1])), ax.iso_utc(met),
                               self.window, span_label=label)
        events = self.model.scenario.event_times()
        dlg.parse = lambda text: parse_time(text, ax, events)
        dlg._update_estimate()
        if dlg.exec() != QtWidgets.QDialog.DialogCode.Accepted:
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

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.window.saveGeometry())
        if self.model is None:
            return
        s.setValue("window/state", self.window.saveState())
        s.setValue("view/state", json.dumps(self.state.to_dict()))
        s.setValue("view/camera", json.dumps(self.viewport.camera()))
        s.setValue("view/camera_preset", self.state.camera)
        s.setValue("time/met_s", float(self.clock.met_s))
        s.setValue("time/rate", float(self.clock.rate))
        s.sync()


def _in_thread(fn):
    """``fn()`` on a worker thread while the GUI keeps processing events (busy cursor);
    returns its result or raises its exception here."""
    import threading

    box: dict = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    th = threading.Thread(target=run, name="orbitviz-load", daemon=True)
    QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.BusyCursor)
    try:
        th.start()
        while th.is_alive():
            QtWidgets.QApplication.processEvents(
                QtCore.QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 20)
            th.join(0.01)
    finally:
        QtWidgets.QApplication.restoreOverrideCursor()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _time_actions(controls) -> list:
    actions = getattr(controls, "actions", None)
    if callable(actions):
        return list(actions())
    return []


def _json(value):
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class _Window:
    """Factory indirection so the main window module is imported only with a QApplication."""

    def __new__(cls, presets, frames, app):
        from orbitviz.ui.main_window import MainWindow

        class Window(MainWindow):
            def closeEvent(self, ev):  # noqa: N802
                app.save_settings()
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
    return qapp.exec()
