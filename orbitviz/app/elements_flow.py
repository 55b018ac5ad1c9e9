"""The user's own satellites in the app: File → Open element sets… and ``orbitviz --tle``.
A mixin of :class:`~orbitviz.app.app.OrbitvizApp` (needs ``viewer``, ``tasks``, ``window``,
``settings`` and ``model``).

Reading files and building the catalogue (about a second for 30,000 objects) run on a worker
thread of the app's :class:`~orbitviz.app.tasks.TaskRunner`; the window keeps drawing. The
new catalogue goes to the viewer model, which tells the scene, the panels, the map and the
exporter.
"""

from __future__ import annotations

import os
import sys

from PySide6 import QtWidgets

from orbitviz.app.notices import notify
from orbitviz.core.catalog import CatalogError, build_catalog, read_element_file


def read_and_build(paths, known: dict, axis):
    """Worker side of :meth:`ElementsFlow.add_element_files`: read ``paths`` (new files)
    and build the catalogue from the sets of ``known`` (file → its sets, loaded before)
    plus theirs. Returns ``(malformed, failed, accepted, catalog)``: ``file:line: message``
    of each malformed set, one line per unusable file, the new files' sets by file, and the
    catalogue (None when no new file was usable)."""
    malformed, failed, accepted = [], [], {}
    for path in paths:
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
        every = [s for sets in known.values() for s in sets]
        every += [s for sets in accepted.values() for s in sets]
        catalog = build_catalog(every, axis)
    return malformed, failed, accepted, catalog


class ElementsFlow:
    """Loading element-set files into the viewer model's catalogue."""

    def add_element_files(self, paths, on_done=None):
        """Add element-set files (TLE/3LE, OMM JSON/XML/CSV) to the user's objects, on a
        worker thread; returns the task (None when every file was loaded before).

        The catalogue is rebuilt from every file loaded so far plus the new ones (one
        object per NORAD number across them all). When it is ready, ``on_done(malformed,
        failed)`` is called on the GUI thread: ``file:line: message`` for every malformed
        set of the new files (their good sets still load), and one line for each new file
        that could not be used at all (unreadable, or no valid set); such a file is not
        added, and nothing already on screen changes because of it. The outcome is also
        kept as :attr:`last_elements_result`.
        """
        new = [p for p in dict.fromkeys(str(p) for p in paths) if p not in self.element_paths]
        if not new:
            self.last_elements_result = ([], [])
            if on_done is not None:
                on_done([], [])
            return None
        known = {p: self._element_sets[p] for p in self.element_paths}
        self.window.statusBar().showMessage("Reading element sets…")

        def done(result):
            malformed, failed, accepted, catalog = result
            self.window.statusBar().clearMessage()
            if catalog is not None:
                self._element_sets.update(accepted)
                self.element_paths += list(accepted)
                self._remember_recent(list(accepted))
                self._set_user_catalog(catalog)
            self.last_elements_result = (malformed, failed)
            if on_done is not None:
                on_done(malformed, failed)

        def failed(exc):
            self.window.statusBar().clearMessage()
            line = f"cannot read the element sets: {exc}"
            self.last_elements_result = ([], [line])
            if on_done is not None:
                on_done([], [line])

        return self.tasks.submit("elements", read_and_build, new, known, self.model.axis,
                                 on_done=done, on_error=failed, what="read element sets")

    def recent_element_files(self) -> list[str]:
        """File → Open recent: the element-set files loaded before, newest first."""
        return list(self.app_settings.get("elements/recent"))

    def _remember_recent(self, paths) -> None:
        from orbitviz.core.settings_values import RECENT_MAX

        recent = [os.path.abspath(p) for p in reversed(paths)]
        recent += [p for p in self.recent_element_files() if p not in recent]
        recent = recent[:RECENT_MAX]
        self.app_settings.put("elements/recent", recent)
        self.window.set_recent(recent)

    def open_recent(self, path: str) -> None:
        """File → Open recent element sets → ``path``."""
        if not os.path.isfile(path):
            from orbitviz.app.notices import notify

            notify(self.window, "Open element sets", f"{path} is no longer there.")
            recent = [p for p in self.recent_element_files() if p != path]
            self.app_settings.put("elements/recent", recent)
            self.window.set_recent(recent)
            return
        self.open_element_sets([path])

    def _set_user_catalog(self, catalog) -> None:
        v = self.viewer
        v.set_catalog(catalog)
        twins = [oid for oid in v.ids("user") if v.twin_of(oid) is not None]
        if twins:  # the user's own set of the station: say what it is, once per load
            from orbitviz.app.notices import notify

            names = ", ".join(v.name(o) for o in twins)
            mission = ", ".join(sorted({v.name(v.twin_of(o)) for o in twins}))
            self._twin_notice = notify(
                self.window, "Open element sets",
                f"{names} is the {mission}, which the mission already shows from its own "
                "element sets.",
                "Yours is drawn beside it, in magenta, named \"(your set)\": where the two "
                "differ, the sets differ.")
        if not v.catalog_meets_mission():  # sets far from October 2021: their own time line
            self.set_scenario("free")
        else:
            self.window.check_scenario(v.scenario, True)

    def open_element_sets(self, paths=None, echo: bool = False) -> None:
        """File → Open element sets… (``paths`` None asks for files): load them with
        :meth:`add_element_files` and tell the user what was skipped, in a dialog (and on
        stderr too with ``echo``, for ``orbitviz --tle``)."""
        if paths is None:
            start = self.app_settings.get("elements/dir")
            paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
                self.window, "Open element sets", str(start),
                "Element sets (*.tle *.txt *.3le *.json *.xml *.csv);;All files (*)")
            if not paths:
                return
            self.app_settings.put("elements/dir", os.path.dirname(paths[0]))
        self.add_element_files(paths, on_done=lambda m, f: self._report_elements(m, f, echo))

    def _report_elements(self, malformed, failed, echo: bool) -> None:
        if echo:
            for line in failed + malformed:
                print(f"orbitviz: warning: {line}", file=sys.stderr)
        cat = self.viewer.catalog
        if cat is not None and len(cat):
            now = len(cat.existing(self.viewer.clock.met_s))
            self.window.statusBar().showMessage(
                f"{len(cat):,} object{'s' if len(cat) != 1 else ''} of your own loaded; "
                f"{now:,} with a state now. Click one to select it.", 10000)
        # boxes not waited for: at start-up (orbitviz --tle) the app finishes behind them
        if failed and not malformed:
            notify(self.window, "Open element sets", "\n".join(failed))
        elif malformed:
            n = len(malformed)
            shown = malformed[:12] + ([f"… and {n - 12} more (Show Details)"] if n > 12 else [])
            notify(self.window, "Open element sets",
                   f"{n} malformed element set{'s were' if n != 1 else ' was'} skipped; "
                   "the valid ones are loaded.", "\n".join(failed + shown),
                   "\n".join(failed + malformed))


__all__ = ["ElementsFlow", "read_and_build"]
