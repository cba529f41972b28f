"""A tiny server-side SVG sparkline of a client's health over the months (pure)."""

from __future__ import annotations

from collections.abc import Sequence


def sparkline_points(
    values: Sequence[float], *, width: int = 80, height: int = 20, top: float = 100.0
) -> str:
    """Return the ``points`` of an SVG polyline drawing ``values`` (0..top) left to right."""
    if not values:
        return ""
    step = width / max(len(values) - 1, 1)
    pts = []
    for i, v in enumerate(values):
        y = height - (max(0.0, min(float(v), top)) / top) * height
        pts.append(f"{round(i * step, 1)},{round(y, 1)}")
    return " ".join(pts)
