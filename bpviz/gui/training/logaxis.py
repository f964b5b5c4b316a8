"""Axes of the per-layer plots: ticks at whole decades, written 10⁻³, and ranges by whole
decades that cover the data and only widen while it arrives."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_text(exponent: int) -> str:
    """10 to the whole ``exponent``, as a plot writes it: "10⁻³", "1", "10"."""
    if exponent == 0:
        return "1"
    if exponent == 1:
        return "10"
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def decades(values, previous: tuple[int, int] | None = None,
            empty: tuple[int, int] = (-4, 0)) -> tuple[int, int]:
    """The whole decades (low, high) of log10 that hold every finite positive value, at
    least one decade apart, widened to hold ``previous`` too; ``empty`` (or ``previous``)
    when there is no such value."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return previous or empty
    low = math.floor(math.log10(float(values.min())))
    high = math.ceil(math.log10(float(values.max())))
    if high <= low:
        high = low + 1
    if previous is not None:
        low, high = min(low, previous[0]), max(high, previous[1])
    return low, high


class DecadeAxis(pg.AxisItem):
    """An axis whose values are log10 of the quantity (a log-mode plot's y, or a histogram
    of log10 |x|): ticks at whole decades only, labelled 10⁻³, every second or third
    decade when they are many."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        low, high = math.ceil(minVal - 1e-9), math.floor(maxVal + 1e-9)
        count = high - low + 1
        if count <= 0:
            return []
        room = max(2, int(size // (2 * self._text_height())))
        step = next(s for s in (1, 2, 3, 4, 5, 10, 20) if count / s <= room or s == 20)
        return [(float(step), [float(e) for e in range(low, high + 1) if e % step == 0])]

    def _text_height(self) -> float:
        font = self.style.get("tickFont")
        return (font.pointSizeF() * 1.4) if font is not None else 14.0

    def tickStrings(self, values, scale, spacing):
        return [decade_text(round(v)) for v in values]
