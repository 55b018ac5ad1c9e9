"""Placing text labels apart: the first free spot among candidates around each anchor. Qt-free.

Boxes are ``(x0, y0, x1, y1)`` rows in pixels with ``x0 < x1`` and ``y0 < y1``; whether y
grows up (the 3D view's labels) or down (the map's) does not matter, as long as every box
and every shift uses the same axes. The 3D view's labels
(:func:`orbitviz.render.markers.declutter_labels`) and the map's
(:mod:`orbitviz.ui.map_painter`) both place theirs with :func:`place_boxes`.
"""

from __future__ import annotations

import numpy as np


def boxes_clear(box, others, gap: float = 0.0) -> bool:
    """Whether ``box`` (4,) lies at least ``gap`` pixels apart from every row of
    ``others`` (M, 4) (apart along x or along y)."""
    o = np.asarray(others, dtype=float).reshape(-1, 4)
    if not len(o):
        return True
    b = np.asarray(box, dtype=float)
    apart = (b[0] >= o[:, 2] + gap) | (b[2] + gap <= o[:, 0]) | \
        (b[1] >= o[:, 3] + gap) | (b[3] + gap <= o[:, 1])
    return bool(apart.all())


def overlapping_pairs(boxes, gap: float = 0.0) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of boxes (N, 4) closer than ``gap`` (0: that
    share area)."""
    b = np.asarray(boxes, dtype=float).reshape(-1, 4)
    out = []
    for i in range(len(b)):
        for j in range(i + 1, len(b)):
            if not boxes_clear(b[i], b[j:j + 1], gap):
                out.append((i, j))
    return out


def place_boxes(boxes, candidates, shown=None, gap: float = 2.0, soft=None,
                bounds=None, keep_unplaced: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Shifts that keep labels apart, placed one after the other in the order given.

    ``boxes``: (N, 4) each label's box at its first candidate's place minus that shift,
    i.e. at shift (0, 0). ``candidates``: (K, 2) shifts tried for every label, or (N, K, 2)
    per label, in order of preference. ``shown``: (N,) bool, labels drawn (hidden ones
    take no room and are not placed). ``soft``: (M, 4) boxes a label keeps off when it
    can (markers); ``bounds``: (4,) a box every label must lie inside.

    Each label takes the first candidate whose box clears the labels placed before it by
    ``gap``, lies inside ``bounds`` and clears the ``soft`` boxes; failing that the first
    that meets all but the ``soft`` rule. Returns ``(shifts (N, 2), placed (N,) bool)``: a
    label with no free candidate is not placed (its shift is its first candidate's) and
    takes no room, unless ``keep_unplaced``: then it stays at its first candidate and
    takes that room.
    """
    b = np.asarray(boxes, dtype=float).reshape(-1, 4)
    n = len(b)
    cand = np.asarray(candidates, dtype=float)
    if cand.ndim == 2:
        cand = np.broadcast_to(cand, (n,) + cand.shape)
    if cand.shape[:1] != (n,) or cand.shape[-1] != 2 or cand.shape[1] < 1:
        raise ValueError("candidates must be (K, 2) or (N, K, 2) shifts with K >= 1")
    soft_b = np.zeros((0, 4)) if soft is None else np.asarray(soft, float).reshape(-1, 4)
    shifts = np.array(cand[:, 0, :], dtype=float) if n else np.zeros((0, 2))
    placed = np.zeros(n, dtype=bool)
    taken: list[np.ndarray] = []
    for i in range(n):
        if shown is not None and not shown[i]:
            continue
        moved = b[i][None, :] + np.tile(cand[i], 2)  # (K, 4)
        ok = np.ones(len(moved), dtype=bool)
        if bounds is not None:
            x0, y0, x1, y1 = (float(v) for v in bounds)
            ok &= (moved[:, 0] >= x0) & (moved[:, 1] >= y0) & (moved[:, 2] <= x1) & \
                (moved[:, 3] <= y1)
        if taken:
            ok &= np.array([boxes_clear(m, taken, gap) for m in moved])
        free = ok & np.array([boxes_clear(m, soft_b, gap) for m in moved]) if len(soft_b) \
            else ok
        pick = np.flatnonzero(free)
        if not pick.size:
            pick = np.flatnonzero(ok)
        if pick.size:
            k = int(pick[0])
            shifts[i] = cand[i, k]
            placed[i] = True
            taken.append(moved[k])
        elif keep_unplaced:
            taken.append(moved[0])
    return shifts, placed



def place_on_rows(items, left: float, right: float, n_rows: int, gap: float = 6.0,
                  offset: float = 4.0) -> list[tuple[int, int, float]]:
    """Names along an axis: ``items`` are ``(x, width)`` in order of priority; each goes
    right of its ``x`` (by ``offset``) or else left of it, in the first of ``n_rows`` rows
    where it stays within ``[left, right]`` and ``gap`` away from the names placed before.
    Returns ``(index, row, left edge)`` of the placed ones; the others find no room."""
    placed: list[list[tuple[float, float]]] = [[] for _ in range(max(n_rows, 0))]
    out = []
    for k, (x, w) in enumerate(items):
        spot = None
        for row in range(len(placed)):
            for a in (x + offset, x - offset - w):
                b = a + w
                if a < left or b > right:
                    continue
                if any(not (b + gap < pa or a - gap > pb) for pa, pb in placed[row]):
                    continue
                spot = (row, a)
                break
            if spot:
                break
        if spot is not None:
            placed[spot[0]].append((spot[1], spot[1] + w))
            out.append((k, spot[0], spot[1]))
    return out


__all__ = ["place_on_rows", "place_boxes", "boxes_clear", "overlapping_pairs"]
