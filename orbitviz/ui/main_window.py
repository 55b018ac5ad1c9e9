"""The main window: layout, menus, toolbar and presenter mode. No mission logic.

It appears at once with a loading page; the composition root (``orbitviz.app``) hands it
the viewport, the time controls and the panels once the mission is cached.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz import __version__


#: The window's default size on a big screen, and its minimum (logical px): a 1280×720
#: laptop, or 1920×1080 at a scale factor of 2 (960×540), fits the whole window.
DEFAULT_WINDOW = (1600, 940)
MIN_WINDOW = (640, 400)
#: Below this width (logical px) the side panels gather into one tabbed column on the right;
#: above WIDE_PX they go back where they were (hysteresis, so a drag does not flicker).
COMPACT_PX = 1280
WIDE_PX = 1360


def _scrolling(widget: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    """``widget`` in a frameless scroll area: a panel taller than the screen scrolls instead
    of forcing the window to grow."""
    area = QtWidgets.QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    area.setMinimumSize(120, 80)
    return area


class MainWindow(QtWidgets.QMainWindow):
    """Signals carry the user's intent; the app connects them to the model and the scene."""

    preset_requested = QtCore.Signal(str)
    frame_requested = QtCore.Signal(str)
    export_image_requested = QtCore.Signal()
    export_clip_requested = QtCore.Signal()
    copy_requested = QtCore.Signal()
    open_elements_requested = QtCore.Signal()
    #: "mission" or "free": which time line to show.
    scenario_requested = QtCore.Signal(str)
    follow_selected_requested = QtCore.Signal()
    #: File → Recent element sets: the file chosen.
    open_recent_requested = QtCore.Signal(str)
    #: Help → What is real and what is modelled (the app has the mission to show).
    real_and_modelled_requested = QtCore.Signal()

    def __init__(self, presets: dict[str, str], frames: dict[str, str]):
        super().__init__()
        self.setWindowTitle("orbitviz — Soyuz MS-19 “Challenge”")
        self.setMinimumSize(*MIN_WINDOW)
        self._docks: dict[str, QtWidgets.QDockWidget] = {}
        self._presenter = False
        self._compact = False
        self._wide_state: QtCore.QByteArray | None = None
        self.fit_to_screen()

        self._stack = QtWidgets.QStackedWidget()
        self.setCentralWidget(self._stack)
        self._loading = self._build_loading_page()
        self._stack.addWidget(self._loading)

        self._build_menus(presets, frames)
        self.statusBar().showMessage("Loading the mission…")

    # -- pages ------------------------------------------------------------------------------
    def _build_loading_page(self):
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        lay.addStretch(1)
        title = QtWidgets.QLabel("Soyuz MS-19 “Challenge”")
        title.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 2.2)
        title.setFont(f)
        self._loading_text = QtWidgets.QLabel("Caching the mission: element sets, the Sun, "
                                              "the ascent, rendezvous and return models…")
        self._loading_text.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self._progress = QtWidgets.QProgressBar()
        self._progress.setRange(0, 0)
        self._progress.setMaximumWidth(420)
        lay.addWidget(title)
        lay.addWidget(self._loading_text)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self._progress)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return page

    def set_content(self, viewport: QtWidgets.QWidget, overlay: QtWidgets.QWidget | None,
                    time_controls: QtWidgets.QWidget, docks: dict[str, QtWidgets.QWidget],
                    time_actions: list[QtGui.QAction],
                    saved_state: QtCore.QByteArray | None = None,
                    caption: QtWidgets.QWidget | None = None) -> None:
        """Put the mission's widgets in place of the loading page; restore the user's dock
        layout (``saveState``) or lay the docks out by default."""
        page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        holder = QtWidgets.QWidget()
        grid = QtWidgets.QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(viewport, 0, 0)
        if overlay is not None:
            grid.addWidget(overlay, 0, 0, QtCore.Qt.AlignmentFlag.AlignLeft
                           | QtCore.Qt.AlignmentFlag.AlignTop)
        self._caption = caption  # presenter mode's live caption, bottom left
        if caption is not None:
            grid.addWidget(caption, 0, 0, QtCore.Qt.AlignmentFlag.AlignLeft
                           | QtCore.Qt.AlignmentFlag.AlignBottom)
            caption.setVisible(self._presenter)
        self._viewport = viewport
        lay.addWidget(holder, 1)
        lay.addWidget(time_controls, 0)
        self._stack.addWidget(page)
        self._stack.setCurrentWidget(page)
        self._time_controls = time_controls
        from orbitviz.ui.presenter import AutoHider

        self._time_hider = AutoHider(self, time_controls)
        for title, widget in docks.items():
            dock = QtWidgets.QDockWidget(title, self)
            dock.setObjectName(f"dock-{title}")
            dock.setWidget(_scrolling(widget))
            area = (QtCore.Qt.DockWidgetArea.LeftDockWidgetArea if title in ("Layers", "Shots")
                    else QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
            self.addDockWidget(area, dock)
            self._docks[title] = dock
            self._view_menu.addAction(dock.toggleViewAction())
        if "Map" in self._docks and "Rendezvous" in self._docks:
            # the ground-track map shares the rendezvous plots' place, a tab away
            self.tabifyDockWidget(self._docks["Rendezvous"], self._docks["Map"])
            self._docks["Rendezvous"].raise_()
        if not (isinstance(saved_state, QtCore.QByteArray) and self.restoreState(saved_state)):
            QtCore.QTimer.singleShot(0, self._default_dock_sizes)
        for a in time_actions:
            self._time_menu.addAction(a)
            self.addAction(a)  # shortcuts work wherever focus is, presenter mode included
        for a in self.export_actions:
            a.setEnabled(True)
        self.open_elements_action.setEnabled(True)
        self.statusBar().clearMessage()

    # -- fitting the screen -------------------------------------------------------------------
    def fit_to_screen(self) -> None:
        """The default size, shrunk to the screen the window is on (its available area, in
        logical pixels), and the window moved inside it."""
        screen = self.screen() or QtGui.QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_WINDOW)
            return
        avail = screen.availableGeometry()
        w = max(min(DEFAULT_WINDOW[0], int(avail.width() * 0.96)), MIN_WINDOW[0])
        h = max(min(DEFAULT_WINDOW[1], int(avail.height() * 0.94)), MIN_WINDOW[1])
        self.resize(min(w, avail.width()), min(h, avail.height()))
        self.move(avail.x() + max((avail.width() - self.width()) // 2, 0),
                  avail.y() + max((avail.height() - self.height()) // 2, 0))

    def keep_on_screen(self) -> None:
        """After restoring a saved geometry: shrink and move the window into the screen it
        is on now (a laptop after a big monitor)."""
        screen = self.screen() or QtGui.QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame = self.frameGeometry()
        if frame.width() > avail.width() or frame.height() > avail.height() or \
                not avail.intersects(frame):
            self.fit_to_screen()

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(ev)
        self._adapt_docks()

    def _adapt_docks(self) -> None:
        """Gather the panels into one tabbed column when the window is narrow; put them back
        when it is wide again."""
        if not self._docks or self._presenter:
            return
        width = self.width()
        if not self._compact and width < COMPACT_PX:
            self._wide_state = self.saveState()
            self._compact = True
            right = QtCore.Qt.DockWidgetArea.RightDockWidgetArea
            docks = list(self._docks.values())
            first = docks[0]
            for dock in docks:
                if self.dockWidgetArea(dock) != right or dock.isFloating():
                    dock.setFloating(False)
                    self.addDockWidget(right, dock)
            for dock in docks[1:]:
                self.tabifyDockWidget(first, dock)
            first.raise_()
            self.resizeDocks(docks[:1], [max(min(340, int(width * 0.32)), 220)],
                             QtCore.Qt.Orientation.Horizontal)
        elif self._compact and width >= WIDE_PX:
            self._compact = False
            if self._wide_state is not None:
                self.restoreState(self._wide_state)

    @property
    def compact(self) -> bool:
        """Whether the panels are gathered in one tabbed column (a narrow window)."""
        return self._compact

    def _default_dock_sizes(self) -> None:
        """Default split once laid out: the plots get the height, the readouts a few lines."""
        d = self._docks
        if "Readouts" in d and "Rendezvous" in d:
            self.resizeDocks([d["Readouts"], d["Rendezvous"]], [270, 700],
                             QtCore.Qt.Orientation.Vertical)
            self.resizeDocks([d["Readouts"]], [480], QtCore.Qt.Orientation.Horizontal)
        if "Layers" in d:
            self.resizeDocks([d["Layers"]], [190], QtCore.Qt.Orientation.Horizontal)

    # -- menus ----------------------------------------------------------------------------------
    def _build_menus(self, presets, frames):
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.file_menu = file_menu
        self.export_actions = []
        self.open_elements_action = QtGui.QAction("&Open element sets…", self)
        self.open_elements_action.setShortcut(QtGui.QKeySequence.StandardKey.Open)  # Ctrl+O
        self.open_elements_action.setToolTip(
            "Add your own satellites from TLE/3LE or OMM (JSON, XML, CSV) files")
        self.open_elements_action.setEnabled(False)  # until the mission is on screen
        self.open_elements_action.triggered.connect(self.open_elements_requested.emit)
        file_menu.addAction(self.open_elements_action)
        self.addAction(self.open_elements_action)
        self.recent_menu = file_menu.addMenu("Open &recent element sets")
        self.recent_menu.setEnabled(False)
        file_menu.addSeparator()
        for text, seq, signal in (("&Export image…", "Ctrl+E", self.export_image_requested),
                                  ("Export &clip…", "Ctrl+Alt+E", self.export_clip_requested),
                                  ("C&opy view", "Ctrl+Shift+C", self.copy_requested)):
            a = QtGui.QAction(text, self)
            a.setShortcut(QtGui.QKeySequence(seq))
            a.setEnabled(False)  # until the mission is on screen
            a.triggered.connect(signal.emit)
            file_menu.addAction(a)
            self.addAction(a)
            self.export_actions.append(a)
        file_menu.addSeparator()
        quit_action = QtGui.QAction("&Quit", self)
        quit_action.setShortcut(QtGui.QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.addAction(quit_action)  # also in presenter mode, with the menu bar hidden
        self.quit_action = quit_action

        self._view_menu = mb.addMenu("&View")
        self._camera_menu = self._view_menu.addMenu("&Camera")
        self.toolbar = self.addToolBar("View")
        self.toolbar.setObjectName("toolbar-view")
        group = QtGui.QActionGroup(self)
        self.preset_actions = {}
        for i, (key, label) in enumerate(presets.items(), start=1):
            a = QtGui.QAction(label, self, checkable=True)
            a.setShortcut(QtGui.QKeySequence(f"Ctrl+{i}"))
            a.setToolTip(f"{label} ({a.shortcut().toString()})")
            a.triggered.connect(lambda _=False, k=key: self.preset_requested.emit(k))
            group.addAction(a)
            self._camera_menu.addAction(a)
            self.toolbar.addAction(a)
            self.addAction(a)
            self.preset_actions[key] = a
        self.toolbar.addSeparator()
        fgroup = QtGui.QActionGroup(self)
        self.frame_actions = {}
        frame_menu = self._view_menu.addMenu("&Frame")
        for key, label in frames.items():
            a = QtGui.QAction(label, self, checkable=True)
            a.triggered.connect(lambda _=False, k=key: self.frame_requested.emit(k))
            fgroup.addAction(a)
            frame_menu.addAction(a)
            self.toolbar.addAction(a)
            self.frame_actions[key] = a
        for key, seq in (("earth-fixed", "Ctrl+Shift+E"), ("inertial", "Ctrl+Shift+I")):
            if key in self.frame_actions:
                self.frame_actions[key].setShortcut(QtGui.QKeySequence(seq))
                self.frame_actions[key].setToolTip(
                    f"{self.frame_actions[key].text()} frame ({seq})")
                self.addAction(self.frame_actions[key])
        self.follow_selected_action = QtGui.QAction("Follow &selected object", self)
        self.follow_selected_action.setShortcut(QtGui.QKeySequence("Ctrl+F"))
        self.follow_selected_action.setToolTip(
            "Follow the selected object (click one in the view to select it) (Ctrl+F)")
        self.follow_selected_action.triggered.connect(self.follow_selected_requested.emit)
        self._camera_menu.addSeparator()
        self._camera_menu.addAction(self.follow_selected_action)
        self.addAction(self.follow_selected_action)
        self._view_menu.addSeparator()
        scenario_menu = self._view_menu.addMenu("&Scenario")
        sgroup = QtGui.QActionGroup(self)
        self.scenario_actions = {}
        for key, label in (("mission", "Soyuz MS-19 &mission"),
                           ("free", "&Your objects (free scenario)")):
            a = QtGui.QAction(label, self, checkable=True)
            a.triggered.connect(lambda _=False, k=key: self.scenario_requested.emit(k))
            sgroup.addAction(a)
            scenario_menu.addAction(a)
            self.scenario_actions[key] = a
        self.scenario_actions["mission"].setChecked(True)
        self.scenario_actions["free"].setEnabled(False)  # until element sets are loaded
        self.scenario_actions["free"].setToolTip(
            "Your element sets on their own time line, at their epochs (and now)")
        self._view_menu.addSeparator()
        self.presenter_action = QtGui.QAction("&Presenter mode", self, checkable=True)
        self.presenter_action.setShortcut(QtGui.QKeySequence("F11"))
        self.presenter_action.toggled.connect(self.set_presenter_mode)
        self._view_menu.addAction(self.presenter_action)
        self.addAction(self.presenter_action)
        self._view_menu.addSeparator()

        self._time_menu = mb.addMenu("&Time")
        help_menu = mb.addMenu("&Help")
        keys = QtGui.QAction("&Keyboard shortcuts", self)
        keys.setShortcuts([QtGui.QKeySequence("?"), QtGui.QKeySequence("Shift+/"),
                           QtGui.QKeySequence.StandardKey.HelpContents])
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        self.addAction(keys)
        self.shortcuts_action = keys
        real = QtGui.QAction("&What is real and what is modelled", self)
        real.triggered.connect(self.real_and_modelled_requested.emit)
        help_menu.addAction(real)
        help_menu.addSeparator()
        about = QtGui.QAction("&About orbitviz", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def set_recent(self, paths) -> None:
        """File → Open recent element sets: ``paths``, newest first."""
        self.recent_menu.clear()
        for k, path in enumerate(paths, start=1):
            name = path.rsplit("/", 1)[-1].replace("&", "&&")
            a = self.recent_menu.addAction(f"&{k} {name}")
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _=False, p=path: self.open_recent_requested.emit(p))
        self.recent_menu.setEnabled(bool(paths) and self.open_elements_action.isEnabled())

    def show_shortcuts(self) -> None:
        from orbitviz.ui.help_dialogs import show_shortcuts

        show_shortcuts(self)

    def show_problem(self, message: str, details: str = "") -> None:
        """A background problem, once, in the status bar with a "Details" button (never a
        dialog per failure); the details (a traceback) open on request."""
        bar = self.statusBar()
        if getattr(self, "_problem", None) is None:
            box = QtWidgets.QWidget()
            lay = QtWidgets.QHBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            self._problem_label = QtWidgets.QLabel()
            self._problem_label.setStyleSheet("color: #ff8a7a;")
            button = QtWidgets.QPushButton("Details")
            button.setFlat(True)
            button.clicked.connect(self._show_problem_details)
            lay.addWidget(self._problem_label)
            lay.addWidget(button)
            bar.addPermanentWidget(box)
            self._problem = box
        self._problem_details = f"{message}\n\n{details}".strip()
        self._problem_label.setText(message)
        self._problem.setVisible(True)

    def _show_problem_details(self) -> None:
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        box.setWindowTitle("orbitviz: a background task failed")
        first, _, rest = self._problem_details.partition("\n\n")
        box.setText(first)
        if rest:
            box.setDetailedText(rest)
        box.exec()
        self._problem.setVisible(False)

    def dock_shown(self, title: str) -> bool:
        """True when the dock ``title`` is open and not hidden behind another tab."""
        dock = self._docks.get(title)
        return bool(dock is not None and dock.isVisible() and not dock.visibleRegion().isEmpty())

    def check_preset(self, key: str) -> None:
        if key in self.preset_actions:
            self.preset_actions[key].setChecked(True)

    def raise_dock(self, title: str) -> None:
        """Bring the dock ``title`` to the front of its tab group."""
        dock = self._docks.get(title)
        if dock is not None:
            dock.raise_()

    def check_scenario(self, key: str, free_available: bool) -> None:
        """Tick the scenario ``key`` ("mission" or "free") in the View menu."""
        self.scenario_actions["free"].setEnabled(bool(free_available))
        if key in self.scenario_actions:
            self.scenario_actions[key].setChecked(True)

    def set_mission_views_enabled(self, on: bool) -> None:
        """The mission's camera presets (all but the whole Earth) show nothing in a free
        scenario: they are disabled there."""
        for key, a in self.preset_actions.items():
            if key != "earth":
                a.setEnabled(bool(on))

    def check_frame(self, key: str) -> None:
        if key in self.frame_actions:
            self.frame_actions[key].setChecked(True)

    # -- presenter mode -------------------------------------------------------------------------
    def set_presenter_mode(self, on: bool) -> None:
        """Full screen with every control hidden but the time bar (F11 toggles)."""
        on = bool(on)
        if on == self._presenter:  # re-entered through the action's toggled signal
            return
        self._presenter = on
        self.menuBar().setVisible(not on)
        self.toolbar.setVisible(not on)
        self.statusBar().setVisible(not on)
        for dock in self._docks.values():
            if on:
                dock.setProperty("was_visible", dock.isVisible())
                dock.hide()
            elif dock.property("was_visible") is not False:
                dock.show()
        tc = getattr(self, "_time_controls", None)
        if tc is not None and hasattr(tc, "set_compact"):
            tc.set_compact(on)
        if getattr(self, "_caption", None) is not None:
            self._caption.setVisible(on)  # the picture's caption, live
        if getattr(self, "_viewport", None) is not None:
            self._viewport.setMouseTracking(on)  # a resting mouse hides the time bar
        hider = getattr(self, "_time_hider", None)
        if hider is not None:
            hider.set_active(on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        if self.presenter_action.isChecked() != on:
            self.presenter_action.setChecked(on)

    def _about(self):
        QtWidgets.QMessageBox.about(
            self, "About orbitviz",
            f"<b>orbitviz {__version__}</b><p>The Soyuz MS-19 “Challenge” mission, "
            "5–17 October 2021.</p><p>Real NORAD element sets for the station; the Sun from "
            "JPL DE421; Earth imagery NASA Blue Marble and NASA/NOAA city lights. The ascent, "
            "rendezvous and return are orbitviz's own physical models and are marked as "
            "modelled.</p>")
