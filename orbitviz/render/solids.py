"""Indexed triangle meshes built with numpy alone (no GL): frusta, oriented boxes, panels.

A :class:`Mesh` holds ``vertices_m`` (N,3) float64 metres in its own frame, unit ``normals``
(N,3), RGB ``colors`` (N,3) in 0..1 and ``faces`` (M,3) uint32 indices, counter-clockwise
seen from outside (outward normals). Faces with different normals (a cylinder's side and
its caps, a box's faces) have their own vertices, so edges stay sharp. Every solid is
closed. :meth:`Mesh.triangle_soup` gives the un-indexed arrays that
:class:`orbitviz.render.solid_item.SolidItem` uploads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Mesh", "merge", "frustum", "oriented_box", "panel", "axis_basis"]


@dataclass
class Mesh:
    """Vertices (m), unit normals and RGB colours (N,3); triangles ``faces`` (M,3)."""

    vertices_m: np.ndarray
    normals: np.ndarray
    colors: np.ndarray
    faces: np.ndarray

    @property
    def n_triangles(self) -> int:
        return len(self.faces)

    def transformed(self, rotation, translation_m) -> "Mesh":
        """This mesh turned by ``rotation`` (3,3) then moved by ``translation_m`` (3,)."""
        R = np.asarray(rotation, dtype=float)
        return Mesh(self.vertices_m @ R.T + np.asarray(translation_m, dtype=float),
                    self.normals @ R.T, self.colors.copy(), self.faces.copy())

    def bounds_m(self) -> tuple[np.ndarray, np.ndarray]:
        return self.vertices_m.min(axis=0), self.vertices_m.max(axis=0)

    def triangle_soup(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Un-indexed (3M,3) float32 positions (m), normals and colours."""
        idx = self.faces.reshape(-1)
        return (self.vertices_m[idx].astype(np.float32), self.normals[idx].astype(np.float32),
                self.colors[idx].astype(np.float32))

    def face_normals(self) -> np.ndarray:
        """Unit geometric normals (M,3) of the triangles (from their winding)."""
        v = self.vertices_m[self.faces]
        n = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
        return n / np.linalg.norm(n, axis=1, keepdims=True)

    def signed_volume_m3(self) -> float:
        """Enclosed volume (positive for a closed mesh wound outward)."""
        v = self.vertices_m[self.faces]
        return float(np.einsum("ij,ij->i", v[:, 0], np.cross(v[:, 1], v[:, 2])).sum() / 6.0)


def merge(meshes) -> Mesh:
    """One mesh from several (their faces re-indexed)."""
    meshes = [m for m in meshes if m is not None and len(m.faces)]
    if not meshes:
        return Mesh(np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 3)),
                    np.zeros((0, 3), dtype=np.uint32))
    offs = np.cumsum([0] + [len(m.vertices_m) for m in meshes[:-1]])
    return Mesh(np.concatenate([m.vertices_m for m in meshes]),
                np.concatenate([m.normals for m in meshes]),
                np.concatenate([m.colors for m in meshes]),
                np.concatenate([m.faces + o for m, o in zip(meshes, offs)]).astype(np.uint32))


def axis_basis(axis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, u, v): the unit ``axis`` and two unit vectors completing a right-handed set; u
    lies along a body axis where it can (so rings of 4k segments reach the bounding box)."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    k = int(np.argmin(np.abs(a)))
    t = np.zeros(3)
    t[k] = 1.0
    u = t - np.dot(t, a) * a
    u /= np.linalg.norm(u)
    return a, u, np.cross(a, u)


def _colors(n, color):
    return np.tile(np.asarray(color, dtype=float)[:3], (n, 1))


def frustum(p0, p1, r0, r1, color, segments: int = 24) -> Mesh:
    """A closed cone frustum (a cylinder when ``r0 == r1``) from ``p0`` (radius ``r0``) to
    ``p1`` (radius ``r1``), metres; a zero radius makes a point (no cap there)."""
    p0 = np.asarray(p0, dtype=float)
    p1 = np.asarray(p1, dtype=float)
    length = float(np.linalg.norm(p1 - p0))
    a, u, v = axis_basis(p1 - p0)
    ang = 2.0 * np.pi * np.arange(segments) / segments
    ring = np.cos(ang)[:, None] * u + np.sin(ang)[:, None] * v
    slope = (r0 - r1) / length
    side_n = ring + slope * a
    side_n /= np.linalg.norm(side_n, axis=1, keepdims=True)
    verts = [p0 + r0 * ring, p1 + r1 * ring]
    norms = [side_n, side_n]
    faces = []
    i = np.arange(segments)
    j = (i + 1) % segments
    b, t = 0, segments
    if r0 > 0:
        faces.append(np.stack([b + i, b + j, t + j], axis=1))
    if r1 > 0:
        faces.append(np.stack([b + i, t + j, t + i], axis=1))
    n = 2 * segments
    if r0 > 0:   # cap at p0, facing -a
        verts += [p0[None, :], p0 + r0 * ring]
        norms += [np.tile(-a, (1, 1)), np.tile(-a, (segments, 1))]
        c = n
        faces.append(np.stack([np.full(segments, c), c + 1 + j, c + 1 + i], axis=1))
        n += segments + 1
    if r1 > 0:   # cap at p1, facing +a
        verts += [p1[None, :], p1 + r1 * ring]
        norms += [np.tile(a, (1, 1)), np.tile(a, (segments, 1))]
        c = n
        faces.append(np.stack([np.full(segments, c), c + 1 + i, c + 1 + j], axis=1))
        n += segments + 1
    vv = np.concatenate(verts)
    return Mesh(vv, np.concatenate(norms), _colors(len(vv), color),
                np.concatenate(faces).astype(np.uint32))


def oriented_box(center_m, axes, size_m, color, colors_by_face=None) -> Mesh:
    """A closed box: ``axes`` (3,3) has the box's unit edge directions as columns, ``size_m``
    its edge lengths along them. ``colors_by_face`` may map ``(axis 0..2, sign ±1)`` to an
    RGB colour for that face (e.g. the cell side of a panel)."""
    c = np.asarray(center_m, dtype=float)
    A = np.asarray(axes, dtype=float)
    h = 0.5 * np.asarray(size_m, dtype=float)
    verts, norms, cols, faces = [], [], [], []
    for k in range(3):
        for sign in (-1.0, 1.0):
            n = A[:, k] * sign
            e1 = A[:, (k + 1) % 3] * h[(k + 1) % 3]
            e2 = A[:, (k + 2) % 3] * h[(k + 2) % 3]
            fc = c + n * h[k]
            quad = [fc - e1 - e2, fc + e1 - e2, fc + e1 + e2, fc - e1 + e2]
            base = len(verts)
            verts += quad
            norms += [n] * 4
            col = (colors_by_face or {}).get((k, int(sign)), color)
            cols += [col] * 4
            if sign > 0:
                faces += [[base, base + 1, base + 2], [base, base + 2, base + 3]]
            else:
                faces += [[base, base + 2, base + 1], [base, base + 3, base + 2]]
    return Mesh(np.array(verts), np.array(norms), np.array(cols, dtype=float)[:, :3],
                np.array(faces, dtype=np.uint32))


def panel(center_m, along, across, length_m, width_m, thickness_m, color,
          front_color=None) -> Mesh:
    """A thin flat panel; its front (the ``along × across`` side, e.g. solar cells) may take
    ``front_color``."""
    a = np.asarray(along, dtype=float)
    b = np.asarray(across, dtype=float)
    n = np.cross(a, b)
    axes = np.column_stack([a, b, n])
    faces = {(2, 1): front_color} if front_color is not None else None
    return oriented_box(center_m, axes, (length_m, width_m, thickness_m), color, faces)
