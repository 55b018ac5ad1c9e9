"""The ground-track map as a plain QPainter painter: :func:`paint_map` draws a
:class:`~orbitviz.core.map_frame.MapFrame` into any QPainter (a widget, an image) in the part
of the world a :class:`~orbitviz.core.map_view.MapView` shows.

Drawn, bottom to top: the Blue Marble (``assets/earth/day.jpg``); the night side (shaded)
with the city lights (``assets/earth/night.jpg``) clipped to it and the terminator; the
equator; the tick marks; the mission's tracks (flown solid, to come dashed); the sites; the
sub-solar point; the user's dots (a cloud of thousands under the mission's markers, a few
over them); the selected user object's track (on a dark casing) and ring; the mission's
markers; the labels, each in a dark box. Every size is the style's (:mod:`orbitviz.render.style`,
pixels at pixel scale 1) times ``pixel_scale``: an export at 2160 lines passes 2 and gets
the 1080-line picture drawn sharp at twice the size.

Labels never print over each other: each takes the first free spot of a list of candidates
around its anchor (:func:`orbitviz.core.label_layout.place_boxes`, shared with the 3D
view's labels), keeping off the markers when it can; one with no free spot is left out.
The selected object's name goes first, then the mission's, the sites', the user's.

The map images are kept as pyramids of halved copies (made once, smooth); each picture
draws the level just larger than it needs, so a small panel is not an aliased shrink of a
5400-pixel image and a zoomed one stays sharp.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui
from pyqtgraph.functions import arrayToQPolygonF

from orbitviz.core.assets import asset_path
from orbitviz.core.label_layout import place_boxes
from orbitviz.render.style import (COLORS, LABEL_FILL, MAP_BG, MAP_CASING_PX,
                                   MAP_DASH, MAP_FG, MAP_FUTURE_PX, MAP_LABEL_FONT_PX,
                                   MAP_LANDING_ESTIMATE_PX, MAP_LANDING_MODEL_PX,
                                   MAP_MARKER_EDGE, MAP_PAD_PX, MAP_RING_PX, MAP_STATION_PX,
                                   MAP_SUN_EDGE, MAP_SUN_PX, MAP_TERMINATOR_PX, MAP_TRACK_PX,
                                   MAP_VEHICLE_PX, NIGHT_LIGHTS_GAIN, NIGHT_LIGHTS_RGB,
                                   NIGHT_RGBA, SELECTED_FILL, SELECTED_TEXT, SITE_COLORS,
                                   SUN_COLOR, TERMINATOR_RGBA, USER_CASING, USER_COLOR,
                                   USER_DENSE, USER_DOT_OUTLINE, USER_DOT_STYLES,
                                   USER_LABEL_MAX, USER_RING_PX)

#: Smallest level kept of an image pyramid, pixels wide.
_MIN_LEVEL_W = 600
#: Gap kept between labels and around markers, and a label's padding (x, y), px.
LABEL_GAP_PX = 2.0
LABEL_PAD_PX = (3.0, 1.0)
#: Candidate rows above and below a marker for a label that finds no room beside it.
FAR_ROWS = 5
#: Tick-label steps tried, degrees (the largest that gives a few labels is used).
LON_STEPS = (60, 30, 20, 10, 5, 2, 1)
LAT_STEPS = (30, 15, 10, 5, 2, 1)


@dataclass(frozen=True)
class PaintedLabel:
    """A label as drawn: its text, its box (x0, y0, x1, y1) in the painter's pixels
    (inside the rect painted), its role (``axis``, ``selected``, ``mission``, ``site``,
    ``user``) and its leader line ((x, y), (x, y)) to the marker, if it has one."""

    text: str
    box: tuple
    role: str
    leader: tuple | None = None


# -- the images ------------------------------------------------------------------------------
def _qcolor(color, alpha: float | None = None) -> QtGui.QColor:
    """A QColor from a QColor, ``#rrggbb`` or an RGBA tuple of floats 0–1 (the style's
    ``_RGBA`` tuples of integers 0–255 go through ``QColor(*rgba)``)."""
    if isinstance(color, QtGui.QColor):
        c = QtGui.QColor(color)
    elif isinstance(color, str):
        c = QtGui.QColor(color)
    else:
        c = QtGui.QColor.fromRgbF(*[float(v) for v in color])
    if alpha is not None:
        c.setAlphaF(float(alpha))
    return c


def _load(name: str) -> QtGui.QImage:
    path = asset_path("earth", f"{name}.jpg")
    img = QtGui.QImage(str(path))
    if img.isNull():
        raise FileNotFoundError(f"cannot read the map image {path}")
    return img


def _lights(grey: QtGui.QImage) -> QtGui.QImage:
    """The city lights as warm light: alpha = brightness × gain (premultiplied ARGB32)."""
    grey = grey.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    w, h, bpl = grey.width(), grey.height(), grey.bytesPerLine()
    g = np.frombuffer(grey.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)[:, :w]
    a = np.clip(g.astype(np.float32) * NIGHT_LIGHTS_GAIN, 0, 255)
    rgba = np.empty((h, w, 4), dtype=np.uint8)
    for i, c in enumerate(NIGHT_LIGHTS_RGB):
        rgba[..., i] = np.round(a * (c / 255.0)).astype(np.uint8)
    rgba[..., 3] = a.astype(np.uint8)
    img = QtGui.QImage(rgba.data, w, h, 4 * w,
                       QtGui.QImage.Format.Format_RGBA8888_Premultiplied)
    return img.convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied)


@functools.lru_cache(maxsize=None)
def _level(name: str, level: int) -> QtGui.QImage:
    """Level ``level`` of the pyramid of ``name`` (``day`` or ``lights``): the image
    halved ``level`` times (smooth)."""
    if level == 0:
        if name == "lights":
            return _lights(_load("night"))
        return _load("day").convertToFormat(QtGui.QImage.Format.Format_RGB32)
    up = _level(name, level - 1)
    return up.scaled(max(1, up.width() // 2), max(1, up.height() // 2),
                     QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
                     QtCore.Qt.TransformationMode.SmoothTransformation)


def _texture_for(name: str, width_px: float) -> QtGui.QImage:
    """The smallest level of ``name`` at least ``width_px`` wide (the full image beyond)."""
    level = 0
    while True:
        nxt_w = _level(name, 0).width() >> (level + 1)
        if nxt_w < max(width_px, _MIN_LEVEL_W):
            return _level(name, level)
        level += 1


def _draw_world_image(p: QtGui.QPainter, name: str, world: QtCore.QRectF,
                      clip: QtCore.QRectF, dpr: float) -> None:
    """Draw the image ``name`` over ``world`` (the whole world's rect), only the part in
    ``clip``."""
    vis = world.intersected(clip)
    if vis.isEmpty():
        return
    tex = _texture_for(name, world.width() * dpr)
    sx = tex.width() / world.width()
    sy = tex.height() / world.height()
    src = QtCore.QRectF((vis.x() - world.x()) * sx, (vis.y() - world.y()) * sy,
                        vis.width() * sx, vis.height() * sy)
    p.drawImage(vis, tex, src)


# -- shapes -------------------------------------------------------------------------------------
def _polyline(view, lon, lat) -> QtGui.QPolygonF:
    x, y = view.to_px(lat, lon)
    return arrayToQPolygonF(np.ascontiguousarray(x, dtype=float),
                            np.ascontiguousarray(y, dtype=float))


def _pen(color, width: float, dash=None, style=None) -> QtGui.QPen:
    pen = QtGui.QPen(_qcolor(color))
    pen.setWidthF(float(width))
    pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(QtCore.Qt.PenJoinStyle.RoundJoin)
    if dash is not None:
        pen.setDashPattern(list(dash))
        pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    if style is not None:
        pen.setStyle(style)
    return pen


def _draw_pieces(p, view, pieces, pen) -> None:
    p.setPen(pen)
    p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    for lon, lat in pieces:
        if len(lon) > 1:
            p.drawPolyline(_polyline(view, lon, lat))


def _marker(p, x: float, y: float, shape: str, size: float, fill, edge, edge_px: float) -> None:
    """A marker of ``size`` px centred on (x, y): ``square``, ``disc``, ``triangle``
    (pointing down) or ``cross``."""
    r = 0.5 * size
    p.setBrush(_qcolor(fill))
    p.setPen(_pen(edge, edge_px) if edge is not None else QtCore.Qt.PenStyle.NoPen)
    if shape == "square":
        p.drawRect(QtCore.QRectF(x - r, y - r, size, size))
    elif shape == "disc":
        p.drawEllipse(QtCore.QPointF(x, y), r, r)
    elif shape == "triangle":
        p.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(x - r, y - r), QtCore.QPointF(x + r, y - r),
                                       QtCore.QPointF(x, y + r)]))
    elif shape == "cross":  # a plus sign of arms ``r`` long, ``2a`` wide, turned 45°
        a = 0.2 * size
        arm = [(a, a), (r, a), (r, -a), (a, -a), (a, -r), (-a, -r), (-a, -a), (-r, -a),
               (-r, a), (-a, a), (-a, r), (a, r)]
        c = s = np.sqrt(0.5)
        p.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(x + u * c - v * s, y + u * s + v * c)
                                       for u, v in arm]))


def _dots(p, x, y, size: float, color: QtGui.QColor, outline) -> None:
    """Round dots of ``size`` px at (x, y) (arrays): one polyline of points per pass."""
    if not len(x):
        return
    pts = arrayToQPolygonF(np.ascontiguousarray(x, dtype=float),
                           np.ascontiguousarray(y, dtype=float))
    if outline is not None:
        p.setPen(_pen(outline, size + 2.0))
        p.drawPoints(pts)
    p.setPen(_pen(color, size))
    p.drawPoints(pts)


# -- ticks ---------------------------------------------------------------------------------------
def _deg_text(v: float, pos: str, neg: str) -> str:
    v = int(round(v))
    return "0°" if v == 0 else f"{abs(v)}°{pos if v > 0 else neg}"


def _step(span_deg: float, px_per_deg: float, steps, min_px: float) -> int:
    for s in steps:
        if span_deg / s >= 2.5 and s * px_per_deg >= min_px:
            return s
    return steps[-1]


def _ticks(view, k: float):
    """(lon ticks, lat ticks), each [(value, labelled)], in the visible range."""
    lon_w, lat_s, lon_e, lat_n = view.visible()
    s = view.scale
    lon_step = _step(lon_e - lon_w, s, LON_STEPS, 48.0 * k)
    lat_step = _step(lat_n - lat_s, s, LAT_STEPS, 22.0 * k)
    minor = lon_step / 2 if lon_step % 2 == 0 else lon_step
    lons = [(v, abs(v / lon_step - round(v / lon_step)) < 1e-9)
            for v in np.arange(np.ceil(lon_w / minor) * minor, lon_e + 1e-9, minor)]
    lats = [(v, True) for v in np.arange(np.ceil(lat_s / lat_step) * lat_step,
                                          lat_n + 1e-9, lat_step)]
    return lons, lats


# -- labels --------------------------------------------------------------------------------------
def _candidates(w: float, h: float, d: float, gap: float) -> np.ndarray:
    """Shifts of a w × h box whose top-left corner is at its anchor: beside the marker
    (above right first, as the map always had it), then rows further up and down."""
    right, left = d, -d - w
    near = [(right, -h), (right, 0.0), (left, -h), (left, 0.0), (right, -0.5 * h),
            (left, -0.5 * h), (-0.5 * w, -h - d), (-0.5 * w, d)]
    step = h + gap
    far = [(sx, sy) for k in range(1, FAR_ROWS + 1) for sx, sy in
           ((right, -h - k * step), (right, k * step), (left, -h - k * step), (left, k * step))]
    return np.array(near + far, dtype=float)


#: Candidates beside the marker (the rest get a leader line to it).
_NEAR = 8


def _label_items(frame, view, k: float):
    """[(text, anchor (x, y), marker radius px, role, text colour, fill, border)] in the
    order of their right to a place, and the markers' boxes to keep off."""
    items, keep_off = [], []

    def px(lat, lon):
        x, y = view.to_px(lat, lon)
        return float(x), float(y)

    def off(x, y, r):
        keep_off.append((x - r - 1, y - r - 1, x + r + 1, y + r + 1))

    sel = frame.selected
    if sel is not None and sel.lat_deg is not None:
        x, y = px(sel.lat_deg, sel.lon_deg)
        off(x, y, 0.5 * USER_RING_PX * k)
        if sel.label:
            items.append((sel.label, (x, y), 0.5 * USER_RING_PX * k, "selected",
                          _qcolor(SELECTED_TEXT), QtGui.QColor(*SELECTED_FILL),
                          _qcolor(USER_COLOR)))
    for m in frame.markers:
        x, y = px(m.lat_deg, m.lon_deg)
        r = 0.5 * (MAP_STATION_PX if m.station else MAP_VEHICLE_PX) * k
        off(x, y, r)
        if m.label:
            items.append((m.label, (x, y), r, "mission", _qcolor(COLORS[m.object_id]),
                          QtGui.QColor(*LABEL_FILL), None))
    sizes = {"pad": MAP_PAD_PX, "landing-estimate": MAP_LANDING_ESTIMATE_PX,
             "landing-model": MAP_LANDING_MODEL_PX}
    for s in frame.sites:
        x, y = px(s.lat_deg, s.lon_deg)
        r = 0.5 * sizes[s.key] * k
        off(x, y, r)
        if s.label:
            items.append((s.label, (x, y), r, "site", _qcolor(SITE_COLORS[s.key]),
                          QtGui.QColor(*LABEL_FILL), None))
    x, y = px(frame.subsolar_lat_deg, frame.subsolar_lon_deg)
    off(x, y, 0.5 * MAP_SUN_PX * k)
    few = len(frame.dots) <= USER_LABEL_MAX
    r_dot = 0.5 * USER_DOT_STYLES[0][0] * k
    if few:
        xs, ys = view.to_px(frame.dots.lat_deg, frame.dots.lon_deg)
        for x, y in zip(xs, ys):
            off(float(x), float(y), r_dot)
    for u in frame.user_labels:
        x, y = px(u.lat_deg, u.lon_deg)
        items.append((u.text, (x, y), r_dot, "user", _qcolor(USER_COLOR),
                      QtGui.QColor(*LABEL_FILL), None))
    return items, keep_off


def _place_and_draw_labels(p, frame, view, k: float, axes: bool) -> list[PaintedLabel]:
    font = QtGui.QFont()
    font.setPixelSize(max(1, int(round(MAP_LABEL_FONT_PX * k))))
    fm = QtGui.QFontMetricsF(font)
    padx, pady = LABEL_PAD_PX[0] * k, LABEL_PAD_PX[1] * k
    gap = LABEL_GAP_PX * k
    th = fm.height() + 2 * pady
    W, H = view.width, view.height
    texts, boxes, cands, roles, styles, anchors = [], [], [], [], [], []

    if axes:  # the tick labels first: fixed at the edges
        lons, lats = _ticks(view, k)
        tick = 5.0 * k
        for v, labelled in lons:
            if labelled:
                t = _deg_text(v, "E", "W")
                w = fm.horizontalAdvance(t) + 2 * padx
                x, _ = view.to_px(0.0, v)
                boxes.append((float(x) - 0.5 * w, H - tick - th - 1, float(x) + 0.5 * w,
                              H - tick - 1))
                texts.append(t)
        for v, _ in lats:
            t = _deg_text(v, "N", "S")
            w = fm.horizontalAdvance(t) + 2 * padx
            _, y = view.to_px(v, 0.0)
            boxes.append((tick + 1, float(y) - 0.5 * th, tick + 1 + w, float(y) + 0.5 * th))
            texts.append(t)
        n_axis = len(boxes)
        roles += ["axis"] * n_axis
        styles += [(_qcolor(MAP_FG), QtGui.QColor(*LABEL_FILL), None)] * n_axis
        anchors += [None] * n_axis
    items, keep_off = _label_items(frame, view, k)
    fixed = len(boxes)
    for text, (ax, ay), r, role, color, fill, border in items:
        w = fm.horizontalAdvance(text) + 2 * padx
        boxes.append((ax, ay, ax + w, ay + th))
        cands.append(_candidates(w, th, r + gap + 1.0, gap))
        texts.append(text)
        roles.append(role)
        styles.append((color, fill, border))
        anchors.append((ax, ay))
    if not boxes:
        return []
    n_c = max([len(c) for c in cands], default=1)
    cand = np.zeros((len(boxes), n_c, 2))
    for i, c in enumerate(cands):
        cand[fixed + i] = c
    shifts, placed = place_boxes(np.array(boxes, dtype=float), cand, gap=gap, soft=keep_off,
                                 bounds=(0.0, 0.0, W, H))
    out = []
    choice = [None] * len(boxes)
    for i in range(fixed, len(boxes)):
        hit = np.flatnonzero(np.all(cand[i] == shifts[i], axis=1))
        choice[i] = int(hit[0]) if hit.size else 0
    p.setFont(font)
    for i, b in enumerate(boxes):
        if not placed[i]:
            continue
        dx, dy = shifts[i]
        x0, y0, x1, y1 = b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy
        rect = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        color, fill, border = styles[i]
        leader = None
        if anchors[i] is not None and choice[i] is not None and choice[i] >= _NEAR:
            ax, ay = anchors[i]  # a leader line to a label a few rows away
            leader = ((ax, ay), (min(max(ax, x0), x1), y1 if ay > y1 else y0))
            p.setPen(_pen(color, 1.0 * k))
            p.drawLine(QtCore.QPointF(*leader[0]), QtCore.QPointF(*leader[1]))
        p.setPen(_pen(border, 1.5 * k) if border is not None else QtCore.Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRect(rect)
        p.setPen(color)
        p.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, texts[i])
        out.append(PaintedLabel(texts[i], (x0, y0, x1, y1), roles[i], leader))
    return out


# -- the picture ----------------------------------------------------------------------------------
def paint_map(p: QtGui.QPainter, rect, frame, view, pixel_scale: float = 1.0,
              axes: bool = True) -> list[PaintedLabel]:
    """Draw ``frame`` in ``rect`` (a QRectF or QRect of ``p``'s coordinates, the size of
    ``view``) as ``view`` shows the world; sizes × ``pixel_scale``; tick marks and their
    labels along the left and bottom edges with ``axes``. Returns the labels drawn (boxes
    in ``p``'s coordinates)."""
    k = float(pixel_scale)
    if not (k > 0 and np.isfinite(k)):
        raise ValueError(f"pixel scale must be a positive number, not {pixel_scale!r}")
    rect = QtCore.QRectF(rect)
    dev = p.device()
    dpr = float(dev.devicePixelRatioF()) if dev is not None else 1.0
    p.save()
    try:
        p.translate(rect.topLeft())
        clip = QtCore.QRectF(0.0, 0.0, rect.width(), rect.height())
        p.setClipRect(clip)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        p.fillRect(clip, QtGui.QColor(MAP_BG))
        world = QtCore.QRectF(*view.world_px())
        _draw_world_image(p, "day", world, clip, dpr)

        # night: shaded, the city lights clipped to it, the terminator
        term = frame.terminator
        night = QtGui.QPainterPath()
        night.addPolygon(_polyline(view, term.night_lon_deg, term.night_lat_deg))
        night.closeSubpath()
        p.fillPath(night, QtGui.QColor(*NIGHT_RGBA))
        if frame.night_lights:
            p.save()
            p.setClipPath(night, QtCore.Qt.ClipOperation.IntersectClip)
            _draw_world_image(p, "lights", world, clip, dpr)
            p.restore()
        p.setPen(_pen(QtGui.QColor(*TERMINATOR_RGBA), MAP_TERMINATOR_PX * k))
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        p.drawPolyline(_polyline(view, term.lon_deg, term.lat_deg))

        # the equator, the ticks
        _, y_eq = view.to_px(0.0, 0.0)
        p.setPen(_pen(QtGui.QColor(255, 255, 255, 50), 1.0 * k,
                      style=QtCore.Qt.PenStyle.DotLine))
        p.drawLine(QtCore.QPointF(0.0, float(y_eq)), QtCore.QPointF(rect.width(), float(y_eq)))
        if axes:
            lons, lats = _ticks(view, k)
            p.setPen(_pen(MAP_FG, 1.0 * k))
            for v, labelled in lons:
                x, _ = view.to_px(0.0, v)
                p.drawLine(QtCore.QPointF(float(x), rect.height()),
                           QtCore.QPointF(float(x), rect.height() - (5.0 if labelled else 3.0) * k))
            for v, _ in lats:
                _, y = view.to_px(v, 0.0)
                p.drawLine(QtCore.QPointF(0.0, float(y)), QtCore.QPointF(5.0 * k, float(y)))

        # the mission's tracks: to come (dashed) under flown (solid)
        for tr in frame.tracks:
            c = COLORS[tr.object_id]
            _draw_pieces(p, view, tr.future, _pen(_qcolor(c, 0.9), MAP_FUTURE_PX * k, MAP_DASH))
            _draw_pieces(p, view, tr.past, _pen(c, MAP_TRACK_PX * k))

        # sites, the Sun
        shapes = {"pad": ("triangle", MAP_PAD_PX, MAP_MARKER_EDGE, 1.0),
                  "landing-estimate": ("cross", MAP_LANDING_ESTIMATE_PX, None, 0.0),
                  "landing-model": ("disc", MAP_LANDING_MODEL_PX, MAP_MARKER_EDGE, 1.0)}
        for s in frame.sites:
            shape, size, edge, ew = shapes[s.key]
            x, y = view.to_px(s.lat_deg, s.lon_deg)
            _marker(p, float(x), float(y), shape, size * k, SITE_COLORS[s.key], edge, ew * k)
        x, y = view.to_px(frame.subsolar_lat_deg, frame.subsolar_lon_deg)
        _marker(p, float(x), float(y), "disc", MAP_SUN_PX * k, SUN_COLOR, MAP_SUN_EDGE, 2.0 * k)

        # the user's objects
        n = len(frame.dots)
        tier = 0 if n <= USER_LABEL_MAX else 1 if n <= USER_DENSE else 2
        size, outlined = USER_DOT_STYLES[tier]
        dot_color = _qcolor(USER_COLOR, 0.85)
        dot_edge = QtGui.QColor(*USER_DOT_OUTLINE) if outlined else None
        dx, dy = view.to_px(frame.dots.lat_deg, frame.dots.lon_deg)
        if tier > 0:  # a crowd: under the mission's markers
            _dots(p, dx, dy, size * k, dot_color, dot_edge)
        sel = frame.selected
        if sel is not None and sel.track is not None:
            casing = QtGui.QColor(*USER_CASING)
            _draw_pieces(p, view, sel.track.past, _pen(casing, MAP_CASING_PX * k))
            _draw_pieces(p, view, sel.track.past, _pen(USER_COLOR, MAP_TRACK_PX * k))
            _draw_pieces(p, view, sel.track.future,
                         _pen(_qcolor(USER_COLOR, 0.9), MAP_FUTURE_PX * k, MAP_DASH))

        # the mission's markers; a few user dots over them; the selected one's ring
        for m in frame.markers:
            x, y = view.to_px(m.lat_deg, m.lon_deg)
            _marker(p, float(x), float(y), "square" if m.station else "disc",
                    (MAP_STATION_PX if m.station else MAP_VEHICLE_PX) * k, COLORS[m.object_id],
                    MAP_MARKER_EDGE, 1.5 * k)
        if tier == 0:
            _dots(p, dx, dy, size * k, dot_color, dot_edge)
        if sel is not None and sel.lat_deg is not None:
            x, y = view.to_px(sel.lat_deg, sel.lon_deg)
            r = 0.5 * USER_RING_PX * k
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            for color, width in ((QtGui.QColor(*USER_CASING), MAP_CASING_PX),
                                 (_qcolor(USER_COLOR), MAP_RING_PX)):
                p.setPen(_pen(color, width * k))
                p.drawEllipse(QtCore.QPointF(float(x), float(y)), r, r)

        labels = _place_and_draw_labels(p, frame, view, k, axes)
    finally:
        p.restore()
    ox, oy = rect.x(), rect.y()
    return [PaintedLabel(lb.text, (lb.box[0] + ox, lb.box[1] + oy, lb.box[2] + ox,
                                   lb.box[3] + oy), lb.role,
                         None if lb.leader is None else tuple((x + ox, y + oy)
                                                              for x, y in lb.leader))
            for lb in labels]


__all__ = ["paint_map", "PaintedLabel"]
