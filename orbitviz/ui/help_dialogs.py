"""Help: the keyboard shortcuts (Help → Keyboard shortcuts, also ``?``) and what is real and
what is modelled (Help → What is real and what is modelled).

The shortcut list is read from the window's own actions, so it always lists every shortcut
that works; the real/modelled page is built from the mission file's events and sources.
"""

from __future__ import annotations

import html

from PySide6 import QtCore, QtGui, QtWidgets

from orbitviz.core.timeaxis import format_met


def shortcut_rows(widget: QtWidgets.QWidget) -> list[tuple[str, str]]:
    """``(keys, what)`` for every action of ``widget`` (and its children) with a shortcut,
    in the order they were added, each listed once."""
    rows, seen = [], set()
    for action in widget.findChildren(QtGui.QAction) + list(widget.actions()):
        keys = [k.toString(QtGui.QKeySequence.SequenceFormat.NativeText)
                for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        what = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        rows.append((", ".join(keys), what.rstrip("…").strip() or action.toolTip()))
    extra = [("Drag in the view", "Orbit the camera"), ("Shift+drag or middle-drag",
             "Pan the camera"), ("Wheel in the view", "Zoom"),
             ("Click an object", "Select it (Ctrl+F then follows it)"),
             ("Wheel on the time bar", "Zoom the time axis"),
             ("Double-click the time bar", "Show the whole mission")]
    return sorted(rows, key=lambda r: r[1].lower()) + extra


def _table(rows) -> str:
    body = "".join(f"<tr><td style='padding:2px 14px 2px 0'><b>{html.escape(k)}</b></td>"
                   f"<td>{html.escape(w)}</td></tr>" for k, w in rows)
    return f"<table>{body}</table>"


def show_shortcuts(window: QtWidgets.QWidget) -> None:
    """A dialog listing every keyboard shortcut of ``window``."""
    _show(window, "Keyboard shortcuts",
          "<p>Shortcuts work wherever the keyboard is, except while you type in a field "
          "(Enter or Esc gives the keyboard back to the view).</p>"
          + _table(shortcut_rows(window)))


def real_and_modelled_html(viewer) -> str:
    """What is real and what is modelled, from the mission's own data."""
    mission = viewer.mission
    measured = [e for e in mission.events() if e.basis == "measured"]
    modelled = [e for e in mission.events() if e.basis != "measured"]

    def items(events):
        return "".join(f"<li>{html.escape(e.name)} — {format_met(e.met_s)}"
                       f"<br><small>{html.escape(e.source)}</small></li>" for e in events)

    return (
        "<h3>Real</h3><ul>"
        "<li>The station's orbit: NORAD two-line element sets of October 2021, propagated "
        "with SGP4.</li>"
        "<li>The Sun: JPL's DE421 ephemeris. The Earth's orientation: skyfield's IAU "
        "models.</li>"
        "<li>Imagery: NASA's Blue Marble and city lights. Stars: ESA's Hipparcos.</li>"
        f"<li>Times published for this flight:<ul>{items(measured)}</ul></li></ul>"
        "<h3>Modelled</h3>"
        "<p>No element set exists of Soyuz MS-19 before docking or of Soyuz MS-18 after "
        "undocking. The ascent, the two-orbit rendezvous and the return are orbitviz's "
        "physical models, built on published figures and joined continuously to the real "
        "data. They are drawn dashed, marked ◇ on the time bar and named in every picture's "
        "credit line. The landing point is an estimate from \"148 km south-east of "
        f"Zhezkazgan\".</p><ul>{items(modelled)}</ul>")


def show_real_and_modelled(window: QtWidgets.QWidget, viewer) -> None:
    _show(window, "What is real and what is modelled", real_and_modelled_html(viewer))


def _show(parent, title: str, body_html: str) -> None:
    dlg = QtWidgets.QDialog(parent)
    dlg.setWindowTitle(title)
    text = QtWidgets.QTextBrowser(dlg)
    text.setOpenExternalLinks(False)
    text.setHtml(body_html)
    buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dlg.reject)
    lay = QtWidgets.QVBoxLayout(dlg)
    lay.addWidget(text)
    lay.addWidget(buttons)
    screen = parent.screen().availableGeometry() if parent is not None else None
    w, h = 620, 560
    if screen is not None:
        w, h = min(w, int(screen.width() * 0.9)), min(h, int(screen.height() * 0.85))
    dlg.resize(w, h)
    dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    parent._help_dialog = dlg  # for tests and to keep it alive while open


__all__ = ["shortcut_rows", "show_shortcuts", "real_and_modelled_html",
           "show_real_and_modelled"]
