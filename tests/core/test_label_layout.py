"""Placing labels apart (orbitviz.core.label_layout): the map's and the 3D view's labels.

Overlap is checked here by hand (interval arithmetic), not with the module's own helpers."""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.core.label_layout import boxes_clear, overlapping_pairs, place_boxes


def _apart(a, b, gap=0.0) -> bool:
    """Two boxes (x0, y0, x1, y1) at least ``gap`` apart along x or along y."""
    return a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]


AROUND = np.array([(0.0, 0.0), (-60.0, 0.0), (0.0, 14.0), (-60.0, 14.0), (0.0, -14.0),
                   (-60.0, -14.0)])


def test_two_labels_on_one_spot_are_put_apart():
    boxes = np.array([(100.0, 100.0, 150.0, 112.0), (103.0, 97.0, 153.0, 109.0)])
    assert not _apart(*boxes)
    shifts, placed = place_boxes(boxes, AROUND, gap=2.0)
    assert placed.all()
    assert list(shifts[0]) == [0.0, 0.0]  # the first keeps its place
    a, b = boxes + np.tile(shifts, 2)
    assert _apart(a, b, 2.0)
    assert list(shifts[1]) == [-60.0, 0.0]  # the first free candidate: left of its anchor


def test_hidden_labels_take_no_room_and_bounds_hold():
    boxes = np.array([(100.0, 100.0, 150.0, 112.0), (103.0, 97.0, 153.0, 109.0)])
    shifts, placed = place_boxes(boxes, AROUND, shown=np.array([False, True]))
    assert not placed[0] and placed[1] and list(shifts[1]) == [0.0, 0.0]
    # the right-hand places leave the bounds: the label goes left
    shifts, placed = place_boxes(boxes[:1], AROUND, bounds=(0.0, 0.0, 140.0, 200.0))
    assert placed[0] and list(shifts[0]) == [-60.0, 0.0]
    # nowhere inside: not placed
    _, placed = place_boxes(boxes[:1], AROUND, bounds=(0.0, 0.0, 40.0, 40.0))
    assert not placed[0]


def test_soft_boxes_are_avoided_when_possible():
    box = np.array([(100.0, 100.0, 150.0, 112.0)])
    marker = (120.0, 95.0, 130.0, 105.0)  # under the first place
    shifts, placed = place_boxes(box, AROUND, soft=[marker])
    assert placed[0] and _apart(box[0] + np.tile(shifts[0], 2), marker, 2.0)
    # every place covers it: the first place is taken all the same
    big = (0.0, 0.0, 400.0, 400.0)
    shifts, placed = place_boxes(box, AROUND, soft=[big])
    assert placed[0] and list(shifts[0]) == [0.0, 0.0]


def test_no_free_place_drops_or_keeps():
    boxes = np.array([(0.0, 0.0, 50.0, 12.0)] * 3)
    only = np.array([(0.0, 0.0)])
    shifts, placed = place_boxes(boxes, only)
    assert list(placed) == [True, False, False]
    shifts, placed = place_boxes(boxes, only, keep_unplaced=True)  # the 3D view's rule
    assert list(placed) == [True, False, False] and not shifts.any()
    with pytest.raises(ValueError):
        place_boxes(boxes, np.zeros((0, 2)))


def test_a_crowd_of_labels_never_overlaps():
    """Fifty labels anchored in a 200 × 120 px patch, each with rings of candidates: every
    label placed lies apart from every other, checked pair by pair."""
    rng = np.random.default_rng(3)
    n = 50
    anchors = rng.uniform([300, 300], [500, 420], size=(n, 2))
    w = rng.uniform(30, 90, n)
    h = 14.0
    boxes = np.column_stack([anchors[:, 0], anchors[:, 1], anchors[:, 0] + w, anchors[:, 1] + h])
    cands = []
    for i in range(n):
        c = [(6.0, -h), (6.0, 0.0), (-6.0 - w[i], -h), (-6.0 - w[i], 0.0)]
        c += [(sx, sy) for k in range(1, 12) for sx in (6.0, -6.0 - w[i])
              for sy in (-h - k * (h + 2), k * (h + 2))]
        cands.append(c)
    shifts, placed = place_boxes(boxes, np.array(cands), gap=2.0, bounds=(0, 0, 800, 800))
    final = boxes + np.tile(shifts, 2)
    kept = np.flatnonzero(placed)
    assert len(kept) >= 35
    for a in range(len(kept)):
        for b in range(a + 1, len(kept)):
            assert _apart(final[kept[a]], final[kept[b]], 2.0 - 1e-9)
    assert overlapping_pairs(final[kept]) == []
    assert overlapping_pairs(boxes)  # and they did overlap where they were anchored


def test_boxes_clear_reference():
    assert boxes_clear((0, 0, 10, 10), [(10, 0, 20, 10)])  # touching is apart
    assert not boxes_clear((0, 0, 10, 10), [(10, 0, 20, 10)], gap=1.0)
    assert not boxes_clear((0, 0, 10, 10), [(5, 5, 20, 20)])
    assert boxes_clear((0, 0, 10, 10), [])


def test_place_on_rows_keeps_names_apart_and_priority_first():
    from orbitviz.core.label_layout import place_on_rows

    # three ticks 10 px apart, names 50 px wide, two rows: the first goes right of its tick,
    # the second to the next row, the third finds no room; the bounds are kept
    spots = place_on_rows([(100.0, 50.0), (110.0, 50.0), (120.0, 50.0)], 0.0, 300.0, 2)
    got = {k: (row, a) for k, row, a in spots}
    assert got == {0: (0, 104.0), 1: (1, 114.0)}
    # far apart, all in the first row; one near the right edge goes left of its tick
    spots = place_on_rows([(10.0, 50.0), (150.0, 50.0), (290.0, 50.0)], 0.0, 300.0, 1)
    assert [(k, row, a) for k, row, a in spots] == [(0, 0, 14.0), (1, 0, 154.0), (2, 0, 236.0)]
    boxes = [(row, a, a + 50.0) for _, row, a in spots]
    for i, (r1, a1, b1) in enumerate(boxes):
        assert 0.0 <= a1 and b1 <= 300.0
        for r2, a2, b2 in boxes[i + 1:]:
            assert r1 != r2 or b1 + 6 < a2 or b2 + 6 < a1
    assert place_on_rows([(5.0, 50.0)], 0.0, 40.0, 3) == []  # no room anywhere
